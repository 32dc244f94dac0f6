"""Public values kept a while: lists refreshed in the background (agencies, kelurahan), recent figures and
answers."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Awaitable, Callable
from typing import Generic, TypeVar

T = TypeVar("T")
log = logging.getLogger(__name__)


class Refreshing(Generic[T]):
    """Holds the latest value of `load`; once it is `ttl` seconds old, the next read starts a reload in the
    background and still gets the old value, so only the very first read waits."""

    def __init__(self, load: Callable[[], Awaitable[T]], *, ttl: float,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.load = load
        self.ttl = ttl
        self.clock = clock
        self._value: T | None = None
        self._loaded_at = 0.0
        self._reload: asyncio.Task[None] | None = None
        self._first = asyncio.Lock()

    async def get(self) -> T:
        """The value, loading it first if there is none yet."""
        if self._value is None:
            async with self._first:
                if self._value is None:
                    await self._refresh()
        elif self.clock() - self._loaded_at >= self.ttl and (self._reload is None or self._reload.done()):
            self._reload = asyncio.create_task(self._background())
        assert self._value is not None
        return self._value

    async def _refresh(self) -> None:
        value = await self.load()
        self._value, self._loaded_at = value, self.clock()

    async def _background(self) -> None:
        try:
            await self._refresh()
        except Exception:  # the old value keeps being served; the next read tries again
            log.exception("refreshing a cached public figure failed")
            self._loaded_at = self.clock()

    async def close(self) -> None:
        """Stop a reload under way."""
        if self._reload is not None:
            self._reload.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._reload


class Responses:
    """Bodies of recent answers by request, for `ttl` seconds: a polled list is built once, not per poll.

    Every list is already declared cacheable for a minute (Cache-Control), so answering the same request
    with the same body for a few seconds changes nothing a client may rely on.
    """

    def __init__(self, *, ttl: float, size: int = 256, clock: Callable[[], float] = time.monotonic) -> None:
        self.ttl = ttl
        self.size = size
        self.clock = clock
        self._entries: dict[str, tuple[float, bytes, str]] = {}

    def get(self, key: str) -> tuple[bytes, str] | None:
        """The body and content type kept for `key`, if still fresh."""
        entry = self._entries.get(key)
        if entry is None or entry[0] <= self.clock():
            return None
        return entry[1], entry[2]

    def put(self, key: str, body: bytes, content_type: str) -> None:
        """Keep a body; the oldest entries go first when full."""
        self._entries.pop(key, None)
        self._entries[key] = (self.clock() + self.ttl, body, content_type)
        while len(self._entries) > self.size:
            del self._entries[next(iter(self._entries))]


class Recent(Generic[T]):
    """The value of `load`, used again for `ttl` seconds; readers who come while it loads share that load.

    For figures cheap enough to read per request (milliseconds) that many readers may ask for at once: a
    burst of readers costs one load, and nobody sees a value more than `ttl` seconds old.
    """

    def __init__(self, load: Callable[[], Awaitable[T]], *, ttl: float,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.load = load
        self.ttl = ttl
        self.clock = clock
        self._value: tuple[float, T] | None = None
        self._loading: asyncio.Future[T] | None = None

    async def get(self) -> T:
        """The value loaded at most `ttl` seconds ago, or the one being loaded now."""
        if self._value is not None and self.clock() - self._value[0] < self.ttl:
            return self._value[1]
        if self._loading is None:
            self._loading = asyncio.ensure_future(self._load())
        # Shielded: one reader going away (a closed connection) must not cancel the others' load.
        return await asyncio.shield(self._loading)

    async def _load(self) -> T:
        started = self.clock()
        try:
            value = await self.load()
        finally:
            self._loading = None
        self._value = (started, value)
        return value
