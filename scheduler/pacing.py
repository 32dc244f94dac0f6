"""Strict sliding-window pacing per channel: overall, per private chat and per group chat.

A slot is counted from the moment a request leaves until its answer is back: the platform saw it
somewhere in between, so measuring the window from the answer keeps every window on the platform's
side within the limit, whatever the network delay. Sends to one chat go one at a time, in order.
"""

from __future__ import annotations

import asyncio
import time
from collections import deque
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Limits:
    """How many sends a channel allows in each window (seconds); 0 means no limit of that kind."""

    overall: int
    per_chat: int
    per_group: int = 0
    window: float = 1.0
    group_window: float = 60.0
    margin: float = 0.01  # clock granularity between us and the platform


class _Send:
    """One send in a window: when it may have reached the platform at the latest, once answered."""

    __slots__ = ("answered", "at")

    def __init__(self, at: float) -> None:
        self.at = at
        self.answered = asyncio.Event()


class _Window:
    """Sends for one key, never more than `limit` inside any `span` seconds."""

    def __init__(self, limit: int, span: float) -> None:
        self.limit = limit
        self.span = span
        self.sends: deque[_Send] = deque(maxlen=limit)
        self.lock = asyncio.Lock()

    def blocker(self, now: float) -> float | _Send:
        """The time from which one more send fits, or the unanswered send that decides it."""
        if len(self.sends) < self.limit:
            return now
        oldest = self.sends[0]
        if not oldest.answered.is_set():
            return oldest
        return max(now, oldest.at + self.span)

    def idle_since(self, now: float) -> float:
        last = self.sends[-1] if self.sends else None
        return now if last is None or not last.answered.is_set() else last.at


class Pacer:
    """Hands out send slots so no window ever holds more than its limit; also obeys 429 pauses."""

    def __init__(self, limits: Limits, *, clock: Callable[[], float] = time.monotonic,
                 sleep: Callable[[float], Awaitable[None]] = asyncio.sleep) -> None:
        self.limits = limits
        self.clock = clock
        self.sleep = sleep
        self._overall = _Window(limits.overall, limits.window + limits.margin) if limits.overall else None
        self._chats: dict[str, _Window] = {}
        self._paused_until = 0.0

    def _chat_window(self, chat_id: str) -> _Window | None:
        window = self._chats.get(chat_id)
        if window is None:
            is_group = chat_id.startswith("-")
            if is_group and self.limits.per_group:
                window = _Window(self.limits.per_group, self.limits.group_window + self.limits.margin)
            elif not is_group and self.limits.per_chat:
                window = _Window(self.limits.per_chat, self.limits.window + self.limits.margin)
            else:
                return None
            self._chats[chat_id] = window
        return window

    @asynccontextmanager
    async def slot(self, chat_id: str) -> AsyncIterator[None]:
        """Wait until one more send to `chat_id` fits every window; send inside the block."""
        chat = self._chat_window(chat_id)
        if chat is None:
            sends = await self._take([self._overall])
            try:
                yield
            finally:
                self._answered(sends)
            return
        async with chat.lock:
            sends = await self._take([chat, self._overall])
            try:
                yield
            finally:
                self._answered(sends)

    async def acquire(self, chat_id: str) -> None:
        """Take a slot for a send whose answer is back at once (for callers without a block)."""
        async with self.slot(chat_id):
            pass

    async def _take(self, windows: list[_Window | None]) -> list[_Send]:
        active = [w for w in windows if w is not None]
        while True:
            now = self.clock()
            if now < self._paused_until:
                await self.sleep(self._paused_until - now)
                continue
            blockers = [w.blocker(now) for w in active]
            pending = next((b for b in blockers if isinstance(b, _Send)), None)
            if pending is not None:
                await pending.answered.wait()
                continue
            ready_at = max([now, *(b for b in blockers if isinstance(b, float))])
            if ready_at > now:
                await self.sleep(ready_at - now)
                continue
            sends = [_Send(now) for _w in active]
            for window, send in zip(active, sends, strict=True):
                window.sends.append(send)
            return sends

    def _answered(self, sends: list[_Send]) -> None:
        now = self.clock()
        for send in sends:
            send.at = max(send.at, now)
            send.answered.set()

    def pause(self, seconds: float) -> None:
        """The platform asked for a pause (429 retry_after): no send on this channel before it ends."""
        self._paused_until = max(self._paused_until, self.clock() + seconds + self.limits.margin)

    def forget_idle(self) -> None:
        """Drop the windows of chats that have been quiet for a while (keeps memory flat)."""
        now = self.clock()
        horizon = max(self.limits.window, self.limits.group_window) + self.limits.margin
        for chat_id in [c for c, w in self._chats.items()
                        if not w.lock.locked() and w.idle_since(now) < now - horizon]:
            del self._chats[chat_id]
