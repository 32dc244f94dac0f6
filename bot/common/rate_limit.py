"""A sliding-window request limit per key (an API key, a client address), kept in memory."""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable

MAX_KEYS = 100_000


class RateLimit:
    """At most `limit` requests per `window` seconds for each key; the oldest keys are forgotten first."""

    def __init__(self, limit: int, window: float = 60.0, clock: Callable[[], float] = time.monotonic) -> None:
        self.limit = limit
        self.window = window
        self.clock = clock
        self._hits: dict[str, deque[float]] = {}

    def check(self, key: str) -> float | None:
        """Count a request for `key`: None when allowed, else the seconds until one would be."""
        now = self.clock()
        hits = self._hits.pop(key, None) or deque()
        while hits and hits[0] <= now - self.window:
            hits.popleft()
        self._hits[key] = hits  # re-inserted: the dict stays ordered by last use
        if len(hits) >= self.limit:
            return max(hits[0] + self.window - now, 0.001)
        hits.append(now)
        if len(self._hits) > MAX_KEYS:
            del self._hits[next(iter(self._hits))]
        return None
