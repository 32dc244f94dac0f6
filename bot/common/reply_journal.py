"""The replies of a webhook turn, kept with its stored messages until sent, so a crash loses none of them.

The turn writes its replies next to its messages in its own transaction (`record_replies`, the
Conversations journal hook), and each reply is counted once, just before its first request goes (the
channel's sending awaits `BEFORE_SEND` there, inside the pacing slot where there is one).
When an instance dies between the turn's commit and its last reply, the instance that takes the messages
over finds the turn done (`owed`) and sends only the replies not yet counted. Counting first means a
reply never reaches the resident twice; one is lost only if the crash falls in the milliseconds between
its count and its request.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any, TypeVar

from sqlalchemy.engine import Connection, Engine

from handlers.messages import Button, Inbound, Reply
from storage.inbox import QueuedEvent, count_reply_sent, keep_replies

T = TypeVar("T")
# The channel and event ids of the stored messages whose turn runs now (set by the inbox around it).
CURRENT: ContextVar[tuple[str, tuple[str, ...]] | None] = ContextVar("aduan_webhook_turn", default=None)
# Awaited once the send's pacing slot is held, right before each request, so the count and the request
# are milliseconds apart, not a pacing wait.
BEFORE_SEND: ContextVar[Callable[[], Awaitable[None]] | None] = ContextVar("aduan_before_send", default=None)


async def before_send() -> None:
    """Call right before a send's request: counts the reply being sent, if a journal is counting it."""
    hook = BEFORE_SEND.get()
    if hook is not None:
        await hook()


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


def record_replies(connection: Connection, msg: Inbound, replies: list[Reply]) -> None:
    """The Conversations journal hook: store the turn's replies with its messages (same transaction)."""
    current = CURRENT.get()
    if current is None or msg.channel != current[0]:
        return
    if msg.event_ids:
        keep_replies(connection, channel=msg.channel, event_ids=list(msg.event_ids), replies={
            "chat_id": msg.chat_id, "replies": [reply_to_json(r) for r in replies]})


@dataclass(frozen=True, slots=True)
class Owed:
    """Replies a turn decided before its instance died, from the first one not sent."""

    chat_id: str
    start: int
    replies: list[Reply]


def owed(batch: Sequence[QueuedEvent]) -> Owed | None:
    """If these messages' turn already ran (before a crash), the replies it had not sent; else None."""
    journal = next((q.replies for q in batch if q.replies is not None), None)
    if journal is None:
        return None
    done = max(q.replies_sent for q in batch)
    stored = list(journal.get("replies") or [])
    return Owed(str(journal["chat_id"]), done, [reply_from_json(r) for r in stored[done:]])


class ReplyJournal:
    """Counts each reply of the webhook turn under way once, just before it goes."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._threaded = engine.dialect.name == "postgresql"

    @staticmethod
    def in_turn() -> bool:
        """Whether a webhook turn's replies are being sent (else sending needs no counting)."""
        return CURRENT.get() is not None

    async def counted(self, sending: Awaitable[T]) -> T:
        """Run one reply's send, counting it once, inside its pacing slot just before its first request."""
        current = CURRENT.get()
        counted = current is None

        async def count() -> None:
            nonlocal counted
            if not counted:
                counted = True
                assert current is not None
                await self._count(*current)

        token = BEFORE_SEND.set(count)
        try:
            result = await sending
        finally:
            BEFORE_SEND.reset(token)
        await count()  # nothing was requested (blocked, or left to the outbox): the reply is done anyway
        return result

    async def _count(self, channel: str, event_ids: tuple[str, ...]) -> None:
        if self._threaded:
            await asyncio.to_thread(count_reply_sent, self.engine, channel=channel, event_ids=list(event_ids))
        else:
            count_reply_sent(self.engine, channel=channel, event_ids=list(event_ids))
