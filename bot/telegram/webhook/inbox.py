"""Webhook updates are stored before Telegram gets its 200, then worked off one resident at a time, in order.

Whichever instance stored an update tries to take the resident's inbox lock (a PostgreSQL session lock)
and feeds the resident's stored updates, lowest update_id first, through the driver's library
(`process`); the holder looks again after letting go, so an update stored meanwhile is not left behind.
An album's parts wait in the table until none has come for `album_wait`, whichever instance got them,
and go as one. A handled update is forgotten only after its replies went out; if the process dies
first, its session lock goes with it, and the sweeper of any instance works the update off again (the
turn's ProcessedEvent key makes the repeat change nothing).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any, TypeVar

from sqlalchemy.engine import Connection, Engine

from bot.logs import log_context
from bot.telegram.driver import TelegramDriver
from bot.telegram.updates import CHANNEL, JSONDict
from bot.telegram.webhook.journal import CURRENT, ReplyJournal
from storage.inbox import QueuedUpdate, accept_update, forget_updates, queued_for, waiting_residents
from storage.locks import try_lock_resident_queue, unlock_resident_queue
from storage.models import utcnow

log = logging.getLogger(__name__)
T = TypeVar("T")
SWEEP_EVERY = 2.0
NOBODY = "-"  # updates without a sender (none of the kinds Aduan subscribes to, but Telegram may add some)


def sender_of(payload: JSONDict) -> tuple[str, str | None]:
    """The resident an update comes from and its album (media_group_id), read from the raw update."""
    for kind in ("message", "edited_message", "callback_query"):
        part = payload.get(kind)
        if isinstance(part, dict):
            who = part.get("from")
            resident = str(who["id"]) if isinstance(who, dict) and "id" in who else NOBODY
            group = part.get("media_group_id") if kind == "message" else None
            return resident, str(group) if group is not None else None
    return NOBODY, None


class WebhookInbox:
    """Stores webhook updates durably and works each resident's off in order, across instances."""

    def __init__(self, engine: Engine, driver: TelegramDriver, *, album_wait: float, concurrency: int = 8,
                 clock: Callable[[], datetime] = utcnow) -> None:
        self.engine = engine
        self.driver = driver
        # Each turn's replies are kept with its updates until sent (the bridge sends through the journal).
        self.journal = ReplyJournal(engine, driver.bridge.send)
        driver.bridge.send = self.journal.send
        driver.bridge.conversations.journal = self.journal.record
        self.album_wait = timedelta(seconds=album_wait)
        self.clock = clock
        self._slots = asyncio.Semaphore(concurrency)
        self._active: set[str] = set()
        self._again: set[str] = set()
        self._tasks: set[asyncio.Task[None]] = set()
        self._sweeper: asyncio.Task[None] | None = None
        self._threaded = engine.dialect.name == "postgresql"

    async def accept(self, payload: JSONDict) -> bool:
        """Store the update (committed on return) and start working it off; False for a redelivery.

        On PostgreSQL the inbox's own statements run in worker threads, so storing an update does not wait
        for the turns the event loop is busy with.
        """
        resident, group = sender_of(payload)
        new = await self._blocking(accept_update, self.engine, channel=CHANNEL,
                                      update_id=int(payload["update_id"]), resident=resident,
                                      media_group_id=group, payload=payload, now=self.clock())
        if new:
            self.schedule(resident)
        return new

    def start(self) -> None:
        """Start the sweeper that picks up updates nobody is working off (after a crash elsewhere)."""
        self._sweeper = asyncio.create_task(self._sweep())

    async def stop(self) -> None:
        """Stop sweeping and finish the residents under way."""
        if self._sweeper is not None:
            self._sweeper.cancel()
            await asyncio.gather(self._sweeper, return_exceptions=True)
        while self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)

    def schedule(self, resident: str) -> None:
        """Work off the resident's stored updates soon (at once when this process is not already)."""
        if resident in self._active:
            self._again.add(resident)
            return
        self._active.add(resident)
        task = asyncio.create_task(self._drain(resident))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _drain(self, resident: str) -> None:
        try:
            async with self._slots:
                held = await self._work_off(resident)
            if held and await self._blocking(self._still_queued, resident):
                self._again.add(resident)  # stored after our last look, before the unlock
        except Exception:
            log.exception("working off a resident's webhook updates failed; the sweeper tries again")
        finally:
            self._active.discard(resident)
        if resident in self._again:
            self._again.discard(resident)
            self.schedule(resident)

    async def _blocking(self, work: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """Run an inbox statement: in a worker thread on PostgreSQL; inline on SQLite, whose one writer
        would otherwise refuse a turn's write that began before this thread's commit."""
        if self._threaded:
            return await asyncio.to_thread(work, *args, **kwargs)
        return work(*args, **kwargs)

    def _still_queued(self, resident: str) -> bool:
        with self.engine.connect() as connection:
            return bool(queued_for(connection, resident=resident))

    async def _work_off(self, resident: str) -> bool:
        with self.engine.connect() as connection:
            if not await self._blocking(_committed, connection, try_lock_resident_queue, resident):
                return False  # another instance works this resident off and will look again
            try:
                while await self._next(connection, resident):
                    pass
            finally:
                await self._blocking(_committed, connection, unlock_resident_queue, resident)
        return True

    async def _next(self, connection: Connection, resident: str) -> bool:
        """Handle the resident's next update (or album); False when none is left."""
        queued = await self._blocking(_committed, connection, _queued, resident)
        if not queued:
            return False
        batch = queued[:1]
        group = queued[0].media_group_id
        if group is not None:
            batch = [q for q in queued if q.media_group_id == group]
            quiet_at = max(q.received_at for q in batch) + self.album_wait
            wait = (quiet_at - self.clock()).total_seconds()
            if wait > 0:  # more parts may still come, to this instance or another
                await asyncio.sleep(wait)
                return True
        await self._feed(resident, batch, album=group is not None)
        await self._blocking(_committed, connection, _forget, [q.update_id for q in batch])
        return True

    async def _feed(self, resident: str, batch: list[QueuedUpdate], *, album: bool) -> None:
        token = CURRENT.set(tuple(q.update_id for q in batch))
        try:
            with log_context(channel=CHANNEL):
                if not await self.journal.resend(batch):  # taken over after a crash: the turn ran already
                    await self._feed_in_context(resident, batch, album=album)
        finally:
            CURRENT.reset(token)

    async def _feed_in_context(self, resident: str, batch: list[QueuedUpdate], *, album: bool) -> None:
        for queued in batch:
            try:
                await self.driver.process(queued.payload)
            except Exception:  # one bad update must not stop the resident's queue
                log.exception("could not handle Telegram update %d; dropped", queued.update_id)
        if album:
            await self.driver.bridge.flush(resident)

    async def _sweep(self) -> None:
        while True:
            await asyncio.sleep(SWEEP_EVERY)
            try:
                cutoff = self.clock() - self.album_wait - timedelta(seconds=SWEEP_EVERY)
                residents = await self._blocking(self._waiting, cutoff)
                for resident in residents:
                    self.schedule(resident)
            except Exception:
                log.warning("the webhook inbox sweep failed; trying again", exc_info=True)


    def _waiting(self, cutoff: datetime) -> list[str]:
        with self.engine.connect() as connection:
            return waiting_residents(connection, received_before=cutoff)


def _committed(connection: Connection, work: Callable[..., T], argument: object) -> T:
    """Run one inbox statement on the resident's lock connection and commit (in a worker thread)."""
    result = work(connection, argument)
    connection.commit()
    return result


def _queued(connection: Connection, resident: str) -> list[QueuedUpdate]:
    return queued_for(connection, resident=resident)


def _forget(connection: Connection, update_ids: list[int]) -> None:
    forget_updates(connection, update_ids=update_ids)
