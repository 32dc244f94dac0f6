"""The scheduler inside `aduan run` or `aduan worker`: APScheduler ticks that read Aduan's own tables.

APScheduler keeps no state of its own here (memory job store): what is due lives in the outbox and
complaint tables, so nothing scheduled is lost on restart and any number of processes can tick.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from sqlalchemy.engine import Engine

from handlers.turn import FlowConfig
from scheduler.dispatcher import Dispatcher
from scheduler.leader import Leadership
from scheduler.producers import DraftTimes, run_producers
from scheduler.retention import purge
from storage.models import utcnow

log = logging.getLogger(__name__)


class SchedulerService:
    """Runs the outbox dispatcher every second and, on the elected process, the producers every minute."""

    def __init__(
        self, *, engine: Engine, dispatcher: Dispatcher, config: FlowConfig, drafts: DraftTimes,
        delete_file: Callable[[str], None], clock: Callable[[], datetime] = utcnow,
        dispatch_every: float = 1.0, produce_every: float = 60.0, retain_every: float = 3600.0,
    ) -> None:
        self.engine = engine
        self.dispatcher = dispatcher
        self.config = config
        self.drafts = drafts
        self.delete_file = delete_file
        self.clock = clock
        self.dispatch_every = dispatch_every
        self.produce_every = produce_every
        self.retain_every = retain_every
        self._retain_due: datetime | None = None  # the retention purge runs with the producers, hourly
        self.leadership = Leadership(engine)
        self.scheduler: AsyncIOScheduler | None = None

    def start(self) -> None:
        """Add the ticks and start the scheduler on the running event loop."""
        scheduler = AsyncIOScheduler(timezone=UTC)
        first = datetime.now(UTC)
        scheduler.add_job(self.dispatch, "interval", seconds=self.dispatch_every, id="dispatch",
                          max_instances=1, coalesce=True, next_run_time=first)
        scheduler.add_job(self.produce, "interval", seconds=self.produce_every, id="produce",
                          max_instances=1, coalesce=True, next_run_time=first)
        scheduler.start()
        self.scheduler = scheduler

    async def stop(self) -> None:
        """Stop ticking and hand the producers' lock over."""
        if self.scheduler is not None and self.scheduler.running:
            self.scheduler.shutdown(wait=False)
        self.scheduler = None
        await asyncio.to_thread(self.leadership.release)

    async def dispatch(self) -> int:
        """One dispatcher tick: send everything due."""
        try:
            return await self.dispatcher.run_once()
        except Exception:
            log.exception("outbox dispatch failed; retrying at the next tick")
            return 0

    async def produce(self) -> dict[str, int]:
        """One producers tick, on the elected process only."""
        try:
            if not await asyncio.to_thread(self.leadership.is_leader):
                return {}
            counts = await asyncio.to_thread(run_producers, self.engine, now=self.clock(),
                                             config=self.config, drafts=self.drafts,
                                             delete_file=self.delete_file)
            now = self.clock()
            if self._retain_due is None or now >= self._retain_due:
                counts["retention"] = await self.retain()
                self._retain_due = now + timedelta(seconds=self.retain_every)
        except Exception:
            log.exception("scheduled producers failed; retrying at the next tick")
            return {}
        if any(counts.values()):
            log.info("scheduled work queued: %s", counts)
        return counts

    async def retain(self) -> int:
        """One retention purge (the producers' tick calls it on the elected process): complaints erased."""
        try:
            result = await asyncio.to_thread(purge, self.engine, now=self.clock(),
                                             years=self.config.retention_years, delete_file=self.delete_file)
        except Exception:
            log.exception("retention purge failed; retrying at the next tick")
            return 0
        return len(result.complaint_codes)
