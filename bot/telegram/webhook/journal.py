"""The replies of a webhook turn, kept with its stored update until sent, so a crash loses none of them.

The turn writes its replies next to the update in its own transaction (`record`, the Conversations
journal hook), and each reply is counted once its pacing slot is held, just before its request goes
(`send`, in place of the bridge's send).
When an instance dies between the turn's commit and its last reply, the instance that takes the update
over finds the turn done and sends only the replies not yet counted (`resend`). Counting first means a
reply never reaches Telegram twice; one is lost only if the crash falls in the milliseconds between its
count and its request.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from contextvars import ContextVar
from typing import Any

from sqlalchemy.engine import Connection, Engine

from bot.telegram.replies import BEFORE_SEND
from bot.telegram.updates import CHANNEL
from handlers.messages import Button, Inbound, Reply
from storage.inbox import QueuedUpdate, count_reply_sent, keep_replies

Send = Callable[[str, list[Reply]], Awaitable[None]]
# The stored updates whose turn is running now (set by the inbox around feeding them to the driver).
CURRENT: ContextVar[tuple[int, ...] | None] = ContextVar("aduan_webhook_updates", default=None)


def reply_to_json(reply: Reply) -> dict[str, Any]:
    """A reply as JSON for the inbox row."""
    return {"text": reply.text, "buttons": [[[b.label, b.data] for b in row] for row in reply.buttons],
            "ask_location": reply.ask_location, "clear_keyboard": reply.clear_keyboard,
            "photo_path": reply.photo_path, "meta": dict(reply.meta)}


def reply_from_json(data: dict[str, Any]) -> Reply:
    """The reply stored by `reply_to_json`."""
    return Reply(text=str(data["text"]),
                 buttons=tuple(tuple(Button(str(label), str(value)) for label, value in row)
                               for row in data.get("buttons") or ()),
                 ask_location=data.get("ask_location"), clear_keyboard=bool(data.get("clear_keyboard")),
                 photo_path=data.get("photo_path"), meta=dict(data.get("meta") or {}))


class ReplyJournal:
    """Keeps each webhook turn's replies with its stored updates and counts them out."""

    def __init__(self, engine: Engine, send: Send) -> None:
        self.engine = engine
        self._send = send
        self._threaded = engine.dialect.name == "postgresql"

    def record(self, connection: Connection, msg: Inbound, replies: list[Reply]) -> None:
        """The Conversations journal hook: store the turn's replies with its updates (same transaction)."""
        if msg.channel != CHANNEL or CURRENT.get() is None:
            return
        ids = [int(event) for event in msg.event_ids if event.isdigit()]
        if ids:
            keep_replies(connection, update_ids=ids, replies={
                "chat_id": msg.chat_id, "replies": [reply_to_json(r) for r in replies]})

    async def send(self, chat_id: str, replies: list[Reply]) -> None:
        """Send the replies one by one, each counted against the updates being handled as it goes."""
        ids = CURRENT.get()
        if ids is None:
            await self._send(chat_id, replies)
            return
        for reply in replies:
            await self._counted(ids, self._send(chat_id, [reply]))

    async def resend(self, batch: Sequence[QueuedUpdate]) -> bool:
        """If these updates' turn already ran (before a crash), send what it had not sent; else False."""
        journal = next((q.replies for q in batch if q.replies is not None), None)
        if journal is None:
            return False
        done = max(q.replies_sent for q in batch)
        ids = tuple(q.update_id for q in batch)
        for stored in list(journal.get("replies") or [])[done:]:
            await self._counted(ids, self._send(str(journal["chat_id"]), [reply_from_json(stored)]))
        return True

    async def _counted(self, ids: tuple[int, ...], sending: Awaitable[None]) -> None:
        """Run one reply's send, counting it once, inside its pacing slot just before its first request."""
        counted = False

        async def count() -> None:
            nonlocal counted
            if not counted:
                counted = True
                await self._count(ids)

        token = BEFORE_SEND.set(count)
        try:
            await sending
        finally:
            BEFORE_SEND.reset(token)
        await count()  # nothing was requested (the resident blocked the bot): the reply is done all the same

    async def _count(self, ids: tuple[int, ...]) -> None:
        if self._threaded:
            await asyncio.to_thread(count_reply_sent, self.engine, update_ids=list(ids))
        else:
            count_reply_sent(self.engine, update_ids=list(ids))
