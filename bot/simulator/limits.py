"""An optional strict flood limiter for the Bot API simulator: 429 with retry_after, like Telegram."""

from __future__ import annotations

import math
import time
from collections import deque
from collections.abc import Callable

from bot.simulator.objects import ApiError

SENDING_METHODS = frozenset({"sendmessage", "sendphoto", "senddocument", "sendlocation"})


class StrictLimiter:
    """Sliding windows at request arrival: overall, per private chat, per group (negative chat id)."""

    def __init__(self, *, overall: int = 30, per_chat: int = 1, per_group: int = 20, window: float = 1.0,
                 group_window: float = 60.0, clock: Callable[[], float] = time.monotonic) -> None:
        self.overall = overall
        self.per_chat = per_chat
        self.per_group = per_group
        self.window = window
        self.group_window = group_window
        self.clock = clock
        self._all: deque[float] = deque()
        self._chats: dict[int, deque[float]] = {}
        self._blocked_until: dict[int | None, float] = {}
        self.accepted = 0
        self.rejected = 0
        self.early_after_429 = 0  # sends that came before a retry_after we gave had passed

    def check(self, method: str, chat_id: int | None) -> ApiError | None:
        """None when this send is within the limits (and counts it), else the 429 to answer."""
        if method.lower() not in SENDING_METHODS:
            return None
        now = self.clock()
        if now < max(self._blocked_until.get(None, 0.0), self._blocked_until.get(chat_id, 0.0)):
            self.early_after_429 += 1
        waits = [self._wait(self._all, self.overall, self.window, now)]
        chat_times: deque[float] | None = None
        if chat_id is not None:
            chat_times = self._chats.setdefault(chat_id, deque())
            group = chat_id < 0
            waits.append(self._wait(chat_times, self.per_group if group else self.per_chat,
                                    self.group_window if group else self.window, now))
        wait = max(waits)
        if wait > 0:
            self.rejected += 1
            retry_after = max(1, math.ceil(wait))
            key = chat_id if waits[0] <= 0 else None
            self._blocked_until[key] = max(self._blocked_until.get(key, 0.0), now + retry_after)
            return ApiError(429, f"Too Many Requests: retry after {retry_after}", retry_after)
        self._all.append(now)
        if chat_times is not None:
            chat_times.append(now)
        self.accepted += 1
        return None

    @staticmethod
    def _wait(times: deque[float], limit: int, span: float, now: float) -> float:
        while times and times[0] <= now - span:
            times.popleft()
        if limit <= 0 or len(times) < limit:
            return 0.0
        return times[-limit] + span - now
