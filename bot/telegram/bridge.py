"""Feeding a Telegram driver's neutral messages to the flows: one resident at a time, albums gathered."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field, replace
from typing import Any

from bot.common.keyed_locks import KeyedLocks
from handlers.engine import Conversations
from handlers.messages import Inbound, Reply
from scheduler.metrics import TURN_SECONDS, count_update

Send = Callable[[str, list[Reply]], Awaitable[None]]
Acknowledge = Callable[[], Awaitable[None]]


@dataclass
class _Album:
    parts: list[Inbound] = field(default_factory=list)
    timer: asyncio.TimerHandle | None = None


def merge_album(parts: list[Inbound]) -> Inbound:
    """One message holding every photo of an album, its caption and every update id."""
    first = parts[0]
    caption = next((p.text for p in parts if p.text), None)
    return replace(
        first,
        event_ids=tuple(e for p in parts for e in p.event_ids),
        attachments=tuple(a for p in parts for a in p.attachments),
        text=caption,
        location=next((p.location for p in parts if p.location), None),
    )


class TelegramBridge:
    """Feeds neutral messages to the flows one resident at a time and sends the replies."""

    def __init__(self, conversations: Conversations, send: Send, *, album_wait: float) -> None:
        self.conversations = conversations
        self.send = send
        self.album_wait = album_wait
        self.locks = KeyedLocks()
        self._albums: dict[tuple[str, str], _Album] = {}
        self._tasks: set[asyncio.Task[None]] = set()
        self._busy: set[asyncio.Task[Any]] = set()

    async def receive(self, msg: Inbound, media_group_id: str | None = None, *,
                      acknowledge: Acknowledge | None = None) -> None:
        """Handle a message; album parts wait briefly for their siblings and go as one.

        Nothing here awaits before the resident's lock is asked for, so a resident's messages are
        handled in the order they arrived however many updates the driver runs at once.
        `acknowledge` (answering a pressed button) runs first, under the same lock.
        """
        count_update(msg)
        if media_group_id:
            self._add_album_part(msg, media_group_id)
            return
        await self._run([*self._take_albums(msg.user_id), msg], acknowledge)

    async def _run(self, batch: list[Inbound], acknowledge: Acknowledge | None = None) -> None:
        task = asyncio.current_task()
        if task is not None:
            self._busy.add(task)
        try:
            async with self.locks.hold(batch[0].user_id):
                if acknowledge is not None:
                    await acknowledge()
                for msg in batch:
                    with TURN_SECONDS.labels(msg.channel).time():
                        replies = await self.conversations.handle(msg)
                    if replies:
                        await self.send(msg.chat_id, replies)
        finally:
            if task is not None:
                self._busy.discard(task)

    async def flush(self, user_id: str) -> None:
        """Handle the resident's waiting albums now (the webhook inbox gathered every part already)."""
        batch = self._take_albums(user_id)
        if batch:
            await self._run(batch)

    def _add_album_part(self, msg: Inbound, group: str) -> None:
        album = self._albums.setdefault((msg.user_id, group), _Album())
        album.parts.append(msg)
        if album.timer is not None:
            album.timer.cancel()
        loop = asyncio.get_running_loop()
        album.timer = loop.call_later(self.album_wait, self._spawn_flush, msg.user_id, group)

    def _spawn_flush(self, user_id: str, group: str) -> None:
        task = asyncio.create_task(self._flush_album(user_id, group))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _flush_album(self, user_id: str, group: str) -> None:
        album = self._pop_album(user_id, group)
        if album is not None:
            await self._run([album])

    def _pop_album(self, user_id: str, group: str) -> Inbound | None:
        album = self._albums.pop((user_id, group), None)
        if album is None:
            return None
        if album.timer is not None:
            album.timer.cancel()
        return merge_album(album.parts)

    def _take_albums(self, user_id: str) -> list[Inbound]:
        """The resident's waiting albums, taken at once so they go before the message that follows."""
        taken = (self._pop_album(*key) for key in [k for k in self._albums if k[0] == user_id])
        return [album for album in taken if album is not None]

    async def drain(self) -> None:
        """Deliver every album still waiting and finish the work under way (at shutdown)."""
        for key in list(self._albums):
            await self._flush_album(*key)
        pending = (self._tasks | self._busy) - {asyncio.current_task()}
        if pending:
            await asyncio.gather(*pending, return_exceptions=True)
