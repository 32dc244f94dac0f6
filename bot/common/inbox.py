"""Webhook messages are stored before the webhook answers, then worked off one resident at a time, in order.

Any channel whose webhook must lose nothing and keep each resident's order across instances uses this
(Telegram, WhatsApp). Whichever instance stored a message tries to take the resident's inbox lock (a
PostgreSQL session lock) and hands the resident's stored messages to the channel (`Feed.turn`), in the
channel's order (Telegram's update_id) or else in the order they were stored; the holder looks again after
letting go, so a message stored meanwhile is not left behind.
An album's parts wait in the table until none has been stored for `album_wait` by the database's clock,
whichever instance stored them, and then go as one: how long the webhook took to answer does not count,
as the wait starts when the last part is in the table, and a part some instance is storing right then
is waited for (the resident's arrival lock). While an album waits, nobody holds the inbox lock.
A handled message is forgotten only after its replies went out; if the process dies first, its session
lock goes with it, and the sweeper of any instance works the message off again (the turn's ProcessedEvent
key makes the repeat change nothing, and the reply journal sends only the replies not sent yet).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from functools import partial
from typing import Any, Protocol, TypeVar

from sqlalchemy.engine import Connection, Engine

from bot.common.reply_journal import CURRENT, Owed, owed, record_replies
from bot.logs import log_context
from handlers.engine import Conversations
from storage.inbox import (
    QueuedEvent,
    accept_event,
    database_now,
    forget_events,
    queued_for,
    waiting_residents,
)
from storage.locks import try_lock_resident_queue, unlock_resident_queue

log = logging.getLogger(__name__)
T = TypeVar("T")
SWEEP_EVERY = 2.0
# Only storing runs here, so a webhook's answer never waits for a thread behind the turns' database work.
ACCEPT_THREADS = 4


class Feed(Protocol):
    """What a channel gives its inbox: its name, and how to run a turn and to send what one left owed."""

    channel: str

    async def turn(self, batch: list[QueuedEvent]) -> None:
        """Handle one stored message (or one whole album) through the flows and send the replies."""

    async def resend(self, batch: list[QueuedEvent], owed: Owed) -> None:
        """Send the replies a turn that ran before a crash had not sent (each one `ReplyJournal.counted`)."""


class Inbox:
    """Stores one channel's webhook messages durably; works each resident's off in order, across instances."""

    def __init__(self, engine: Engine, conversations: Conversations, feed: Feed, *, album_wait: float = 0.0,
                 concurrency: int = 8) -> None:
        self.engine = engine
        self.feed = feed
        self.channel = feed.channel
        conversations.journal = record_replies  # each turn's replies are kept with its messages until sent
        self.album_wait = timedelta(seconds=album_wait)
        self._slots = asyncio.Semaphore(concurrency)
        self._active: set[str] = set()
        self._again: set[str] = set()
        self._tasks: set[asyncio.Task[None]] = set()
        self._timers: dict[str, asyncio.TimerHandle] = {}
        self._sweeper: asyncio.Task[None] | None = None
        self._threaded = engine.dialect.name == "postgresql"
        self._accepting = ThreadPoolExecutor(ACCEPT_THREADS, thread_name_prefix=f"inbox-{self.channel}")

    async def accept(self, event_id: str, resident: str, payload: dict[str, Any], *, album: str | None = None,
                     position: int | None = None) -> bool:
        """Store the message (committed on return) and start working it off; False for a redelivery."""
        store = partial(accept_event, self.engine, channel=self.channel, event_id=event_id, resident=resident,
                        payload=payload, album=album, position=position)
        if self._threaded:
            new = await asyncio.get_running_loop().run_in_executor(self._accepting, store)
        else:  # SQLite's one writer would refuse a turn's write that began before another thread's commit
            new = store()
        if new:
            self.schedule(resident)
        return new

    def start(self) -> None:
        """Start the sweeper that picks up messages nobody is working off (after a crash elsewhere)."""
        self._sweeper = asyncio.create_task(self._sweep())

    async def stop(self) -> None:
        """Stop sweeping and finish the residents under way (waiting albums stay stored for the next run)."""
        if self._sweeper is not None:
            self._sweeper.cancel()
            await asyncio.gather(self._sweeper, return_exceptions=True)
        for timer in self._timers.values():
            timer.cancel()
        self._timers.clear()
        await self.idle()
        self._accepting.shutdown(wait=False)

    async def idle(self) -> None:
        """Wait until nothing is being worked off here (an album still waiting is not)."""
        while self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)

    def schedule(self, resident: str) -> None:
        """Work off the resident's stored messages soon (at once when this process is not already)."""
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
                held, album_wait = await self._work_off(resident)
            if album_wait is not None:
                self._look_again_in(album_wait, resident)
            elif held and await self._blocking(self._still_queued, resident):
                self._again.add(resident)  # stored after our last look, before the unlock
        except Exception:
            log.exception("working off a resident's webhook messages failed; the sweeper tries again")
        finally:
            self._active.discard(resident)
        if resident in self._again:
            self._again.discard(resident)
            self.schedule(resident)

    def _look_again_in(self, seconds: float, resident: str) -> None:
        old = self._timers.pop(resident, None)
        if old is not None:
            old.cancel()
        self._timers[resident] = asyncio.get_running_loop().call_later(seconds, self._timer_fired, resident)

    def _timer_fired(self, resident: str) -> None:
        self._timers.pop(resident, None)
        self.schedule(resident)

    async def _blocking(self, work: Callable[..., T], *args: Any) -> T:
        """Run an inbox statement: in a worker thread on PostgreSQL; inline on SQLite (see `accept`)."""
        if self._threaded:
            return await asyncio.to_thread(work, *args)
        return work(*args)

    def _still_queued(self, resident: str) -> bool:
        with self.engine.connect() as connection:
            return bool(queued_for(connection, channel=self.channel, resident=resident))

    async def _work_off(self, resident: str) -> tuple[bool, float | None]:
        """Handle the resident's messages while any are ready: (whether we held the lock, album wait)."""
        with self.engine.connect() as connection:
            if not await self._blocking(self._committed, connection, self._lock, resident):
                return False, None  # another instance works this resident off and will look again
            try:
                while True:
                    queued, wait = await self._blocking(self._committed, connection, self._ready, resident)
                    if not queued:
                        return True, wait
                    await self._feed(queued)
                    ids = [q.id for q in queued]
                    await self._blocking(self._committed, connection, self._forget, ids)
            finally:
                await self._blocking(self._committed, connection, self._unlock, resident)

    def _ready(self, connection: Connection, resident: str) -> tuple[list[QueuedEvent], float | None]:
        """The resident's next message or whole album; ([], seconds) while that album may still grow."""
        queued = queued_for(connection, channel=self.channel, resident=resident)
        if not queued or queued[0].album is None:
            return queued[:1], None
        # Any part being stored right now, by any instance, is waited for and counts.
        queued = queued_for(connection, channel=self.channel, resident=resident, complete=True)
        album = [q for q in queued if q.album == queued[0].album]
        # Measured from the last part stored, by the database's clock: every instance sees the same.
        quiet_at = max(q.stored_at for q in album) + self.album_wait
        wait = (quiet_at - database_now(connection)).total_seconds()
        return (album, None) if wait <= 0 else ([], wait)

    async def _feed(self, batch: list[QueuedEvent]) -> None:
        token = CURRENT.set((self.channel, tuple(q.event_id for q in batch)))
        try:
            with log_context(channel=self.channel):
                left = owed(batch)
                if left is None:
                    await self.feed.turn(batch)
                else:  # taken over after a crash: the turn ran already
                    await self.feed.resend(batch, left)
        finally:
            CURRENT.reset(token)

    async def _sweep(self) -> None:
        while True:
            await asyncio.sleep(SWEEP_EVERY)
            try:
                for resident in await self._blocking(self._waiting):
                    self.schedule(resident)
            except Exception:
                log.warning("the webhook inbox sweep failed; trying again", exc_info=True)

    def _waiting(self) -> list[str]:
        with self.engine.connect() as connection:
            return waiting_residents(connection, channel=self.channel,
                                     older_than=self.album_wait + timedelta(seconds=SWEEP_EVERY))

    @staticmethod
    def _committed(connection: Connection, work: Callable[[Connection, str], T], argument: Any) -> T:
        """Run one inbox statement on the resident's lock connection and commit (in a worker thread)."""
        result = work(connection, argument)
        connection.commit()
        return result

    def _lock(self, connection: Connection, resident: str) -> bool:
        return try_lock_resident_queue(connection, resident, channel=self.channel)

    def _unlock(self, connection: Connection, resident: str) -> None:
        unlock_resident_queue(connection, resident, channel=self.channel)

    @staticmethod
    def _forget(connection: Connection, ids: list[int]) -> None:
        forget_events(connection, ids=ids)
