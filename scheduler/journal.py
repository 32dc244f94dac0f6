"""Records the outbox's sends as they happen: a send is committed as sent before its sender goes on.

Every send that completes is committed before the dispatcher waits for anything else (the pacer, the
next claim, the next send): the coroutine that sent it waits for the commit while holding its slot.
Sends that complete in the same turn of the event loop share one commit. So the only window for a
repeat after a crash is the time between the platform's answer and that one commit
(`aduan_outbox_unrecorded_seconds`).

The start of each send is recorded too, without waiting (it is committed in the next turn of the loop,
before any answer can be read): after a crash, a row whose lease expired with its send started may have
reached the platform, and is counted and logged when it is sent again.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from datetime import datetime

from sqlalchemy.engine import Engine
from sqlmodel import Session

from scheduler.metrics import OUTBOX_UNRECORDED_SECONDS
from storage.outbox import mark_sent, mark_started

log = logging.getLogger(__name__)


class SendJournal:
    """Batches the commits of sends that start or complete in the same turn of the event loop."""

    def __init__(self, engine: Engine, clock: Callable[[], datetime]) -> None:
        self.engine = engine
        self.clock = clock
        self._started: list[int] = []
        self._sent: list[tuple[int, str | None, datetime]] = []
        self._answered_at: list[float] = []
        self._pending: asyncio.Future[None] | None = None

    def started(self, row_id: int) -> None:
        """A send of `row_id` is about to leave (recorded in the next turn of the loop)."""
        self._started.append(row_id)
        self._schedule()

    async def sent(self, row_id: int, provider_id: str | None) -> None:
        """The platform accepted `row_id`: returns once that is committed."""
        self._answered_at.append(time.monotonic())
        self._sent.append((row_id, provider_id, self.clock()))
        await self._schedule()

    def _schedule(self) -> asyncio.Future[None]:
        if self._pending is None:
            loop = asyncio.get_running_loop()
            self._pending = loop.create_future()
            loop.call_soon(self.flush)
        return self._pending

    def flush(self) -> None:
        """Commit what was recorded since the last flush (also called at the end of every batch)."""
        pending, self._pending = self._pending, None
        started, self._started = self._started, []
        sent, self._sent = self._sent, []
        answered, self._answered_at = self._answered_at, []
        try:
            if started or sent:
                with Session(self.engine) as session:
                    if started:
                        mark_started(session, row_ids=started, now=self.clock())
                    if sent:
                        mark_sent(session, sent=sent)
                    session.commit()
        except Exception as exc:
            if sent and pending is not None and not pending.done():
                pending.set_exception(exc)  # raised in each sender that waits for it
            else:
                log.exception("could not record the start of %d outbox sends", len(started))
                if pending is not None and not pending.done():
                    pending.set_result(None)
            return
        committed = time.monotonic()
        for at in answered:
            OUTBOX_UNRECORDED_SECONDS.observe(committed - at)
        if pending is not None and not pending.done():
            pending.set_result(None)
