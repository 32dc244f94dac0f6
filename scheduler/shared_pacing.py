"""Pacing shared by every instance of one bot: the budget lives in PostgreSQL (storage/send_budget.py).

Chosen over electing one sending process: immediate replies leave from whichever instance handled the
turn, so the budget has to be shared anyway, and no instance waits for another to hand over. In process,
sends to one chat still go one at a time, in order, and a 429 pauses this process's sends.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta

from sqlalchemy.engine import Engine

from scheduler.pacing import Limits, Pacer
from storage.send_budget import Window, answer_slot, prune_slots, take_slot

PRUNE_EVERY = 10.0


class SharedPacer(Pacer):
    """A Pacer whose windows are counted in the database, across processes."""

    def __init__(self, limits: Limits, *, engine: Engine, channel: str) -> None:
        super().__init__(limits)
        self.engine = engine
        self.channel = channel
        margin = timedelta(seconds=limits.margin)
        self._overall_window = (Window(limits.overall, timedelta(seconds=limits.window) + margin)
                                if limits.overall else None)
        self._chat_lock: dict[str, asyncio.Lock] = {}
        self._pruned = 0.0

    def _chat(self, chat_id: str) -> Window | None:
        margin = timedelta(seconds=self.limits.margin)
        if chat_id.startswith("-"):
            return (Window(self.limits.per_group, timedelta(seconds=self.limits.group_window) + margin)
                    if self.limits.per_group else None)
        return (Window(self.limits.per_chat, timedelta(seconds=self.limits.window) + margin)
                if self.limits.per_chat else None)

    @asynccontextmanager
    async def slot(self, chat_id: str) -> AsyncIterator[None]:
        """Wait until one more send to `chat_id` fits the bot's shared windows; send inside the block."""
        lock = self._chat_lock.setdefault(chat_id, asyncio.Lock())
        async with lock:
            slot_id = await self._take_shared(chat_id)
            try:
                yield
            finally:
                answer_slot(self.engine, slot_id=slot_id)

    async def _take_shared(self, chat_id: str) -> int:
        chat = self._chat(chat_id)
        self._prune()
        while True:
            paused = self._paused_until - self.clock()
            if paused > 0:
                await self.sleep(paused)
                continue
            slot_id, wait = take_slot(self.engine, channel=self.channel, chat_id=chat_id,
                                      overall=self._overall_window, chat=chat)
            if slot_id is not None:
                return slot_id
            await self.sleep(wait)

    def forget_idle(self) -> None:
        """Drop idle chats' locks and, now and then, slots too old to count."""
        for chat_id in [c for c, lock in self._chat_lock.items() if not lock.locked()]:
            del self._chat_lock[chat_id]
        self._prune()

    def _prune(self) -> None:
        now = time.monotonic()
        if now - self._pruned >= PRUNE_EVERY:
            self._pruned = now
            horizon = max(self.limits.window, self.limits.group_window) * 2
            prune_slots(self.engine, older_than=timedelta(seconds=horizon))
