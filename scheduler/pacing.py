"""Strict sliding-window pacing per channel: overall, per private chat and per group chat."""

from __future__ import annotations

import asyncio
import time
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Limits:
    """How many sends a channel allows in each window (seconds); 0 means no limit of that kind."""

    overall: int
    per_chat: int
    per_group: int = 0
    window: float = 1.0
    group_window: float = 60.0
    # Requests leave here and arrive there a little apart; keep this much clear of each window's edge.
    margin: float = 0.05


class _Window:
    """Reserved send times for one key, never more than `limit` inside any `span` seconds."""

    def __init__(self, limit: int, span: float) -> None:
        self.limit = limit
        self.span = span
        self.times: deque[float] = deque(maxlen=limit)

    def earliest(self, at: float) -> float:
        if len(self.times) < self.limit:
            return max(at, self.times[-1]) if self.times else at
        return max(at, self.times[0] + self.span)

    def take(self, at: float) -> None:
        self.times.append(at)


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

    async def acquire(self, chat_id: str) -> None:
        """Wait for this chat's next slot, then for the channel's next overall slot."""
        chat = self._chat_window(chat_id)
        if chat is not None:
            at = chat.earliest(max(self.clock(), self._paused_until))
            chat.take(at)
            await self._wait_until(at)
        while True:
            at = max(self.clock(), self._paused_until)
            if self._overall is not None:
                at = self._overall.earliest(at)
            if at <= self.clock():
                if self._overall is not None:
                    self._overall.take(at)
                return
            await self._wait_until(at)

    def pause(self, seconds: float) -> None:
        """The platform asked for a pause (429 retry_after): no send on this channel before it ends."""
        self._paused_until = max(self._paused_until, self.clock() + seconds + self.limits.margin)

    def forget_idle(self) -> None:
        """Drop the windows of chats that have been quiet for a while (keeps memory flat)."""
        now = self.clock()
        horizon = max(self.limits.window, self.limits.group_window) + self.limits.margin
        for chat_id in [c for c, w in self._chats.items() if not w.times or w.times[-1] < now - horizon]:
            del self._chats[chat_id]

    async def _wait_until(self, at: float) -> None:
        delay = at - self.clock()
        if delay > 0:
            await self.sleep(delay)
