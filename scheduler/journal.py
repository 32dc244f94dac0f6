"""Records the outbox's sends as they happen: a send is committed as sent before its sender goes on.

Every send that completes is committed before the dispatcher waits for anything else (the pacer, the
next claim, the next send): the coroutine that sent it waits for the commit while holding its slot.
Sends that complete in the same turn of the event loop share one commit. So the only window for a repeat
after a crash is the time between the platform's answer and that commit
(`aduan_outbox_unrecorded_seconds`).

The start of each send is recorded too, without waiting (it is committed right away, normally well
before the answer is back): after a crash, a row whose lease expired with its send started may have
reached the platform, and is counted and logged when it is sent again.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from datetime import datetime

from sqlalchemy.engine import Engine

from scheduler.metrics import OUTBOX_UNRECORDED_SECONDS
from storage.outbox import mark_sent, mark_started

log = logging.getLogger(__name__)


class SendJournal:
    """Commits the starts and completions of sends: those of one turn of the event loop together.

    The commit runs on the event loop itself, at the start of the next turn: a short prebuilt UPDATE,
    cheaper than a hop to a worker thread (which waits for the GIL behind the loop) and never behind
    anything but the callbacks already due.
    """

    def __init__(self, engine: Engine, clock: Callable[[], datetime]) -> None:
        self.engine = engine
        self.clock = clock
        self._started: list[int] = []
        self._sent: list[tuple[int, str | None, datetime]] = []
        self._answered_at: list[float] = []
        self._waiters: list[asyncio.Future[None]] = []
        self._scheduled = False

    def started(self, row_id: int) -> None:
        """A send of `row_id` is about to leave (committed soon, without waiting for it)."""
        self._started.append(row_id)
        self._schedule()

    async def sent(self, row_id: int, provider_id: str | None) -> None:
        """The platform accepted `row_id`: returns once that is committed."""
        waiter: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._answered_at.append(time.monotonic())
        self._sent.append((row_id, provider_id, self.clock()))
        self._waiters.append(waiter)
        self._schedule()
        await waiter

    def _schedule(self) -> None:
        if not self._scheduled:
            self._scheduled = True
            asyncio.get_running_loop().call_soon(self.flush)

    def flush(self) -> None:
        """Commit everything recorded so far (also called at the end of every batch)."""
        self._scheduled = False
        started, self._started = self._started, []
        sent, self._sent = self._sent, []
        answered, self._answered_at = self._answered_at, []
        waiters, self._waiters = self._waiters, []
        if not started and not sent:
            return
        try:
            with self.engine.begin() as connection:
                if started:
                    mark_started(connection, row_ids=started, now=self.clock())
                if sent:
                    mark_sent(connection, sent=sent)
        except Exception as exc:
            log.exception("could not record %d outbox sends and %d starts", len(sent), len(started))
            for waiter in waiters:
                if not waiter.done():
                    waiter.set_exception(exc)  # raised in the sender waiting for it
            return
        committed = time.monotonic()
        for at in answered:
            OUTBOX_UNRECORDED_SECONDS.observe(committed - at)
        for waiter in waiters:
            if not waiter.done():
                waiter.set_result(None)
