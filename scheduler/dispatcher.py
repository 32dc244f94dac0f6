"""Sends due outbox rows through each channel's sender: claimed with a lease, paced, retried, once.

Crash safety: a row is leased (status `sending`, `claimed_until`) and committed before its send, and
committed as sent right after the platform answers, before this process waits for anything else
(`scheduler/journal.py`). A crash before the send leaves the lease to expire and the row goes back to
the queue. The only window for a duplicate is a crash between the platform's answer and that commit;
a row whose lease expired after its send began is sent again with a warning in the log and a count in
`aduan_outbox_lease_expired_mid_send`.
"""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import AsyncIterator, Callable, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from handlers.messages import Button
from handlers.workdays import QuietHours
from scheduler.journal import SendJournal
from scheduler.metrics import OUTBOX_LEASE_EXPIRED_MID_SEND, OUTBOX_SENT
from scheduler.pacing import Pacer
from scheduler.sending import Outgoing, Sender, SendFailure
from storage.models import Outbox, OutboxStatus, Reporter, utcnow
from storage.outbox import (
    cancel_queued_for,
    claim_due,
    finish,
    release_expired_leases,
    renew_lease,
    requeue,
    unclaim,
)

log = logging.getLogger(__name__)
PER_CHAT_IN_BATCH = 3


@dataclass(frozen=True)
class RetryPolicy:
    """Exponential backoff with full jitter for transient failures, up to `max_attempts`."""

    max_attempts: int = 8
    base_seconds: float = 5.0
    cap_seconds: float = 3600.0

    def delay(self, attempt: int, rng: random.Random) -> float:
        """Seconds to wait before try number `attempt + 1`."""
        ceiling = min(self.cap_seconds, self.base_seconds * 2 ** max(attempt - 1, 0))
        return float(ceiling / 2 + rng.uniform(0, ceiling / 2))


class Dispatcher:
    """Claims due rows and sends them; one instance per process, many processes may share the table."""

    def __init__(
        self, *, engine: Engine, senders: Mapping[str, Sender], pacers: Mapping[str, Pacer],
        quiet: QuietHours | None = None, retry: RetryPolicy | None = None,
        clock: Callable[[], datetime] = utcnow, lease_seconds: float = 60.0, batch_size: int = 200,
        concurrency: int = 100, rng: random.Random | None = None,
    ) -> None:
        self.engine = engine
        self.senders = dict(senders)
        self.pacers = dict(pacers)
        self.quiet = quiet
        self.retry = retry or RetryPolicy()
        self.clock = clock
        self.lease = timedelta(seconds=lease_seconds)
        self.batch_size = batch_size
        self._slots = asyncio.Semaphore(concurrency)
        self.journal = SendJournal(engine, clock)
        self._gone: set[int] = set()  # reporters found unreachable in this run
        self.rng = rng or random.Random()  # noqa: S311  (jitter, not secrecy)

    async def run_once(self) -> int:
        """Send every row due now (batch after batch); the number of rows handled."""
        with Session(self.engine, expire_on_commit=False) as session:
            released = release_expired_leases(session, now=self.clock())
        if released.mid_send:
            OUTBOX_LEASE_EXPIRED_MID_SEND.inc(len(released.mid_send))
            log.warning("outbox rows %s were being sent when their process stopped; sending them again "
                        "(a recipient may get one twice)", released.mid_send)
        handled = 0
        while True:
            now = self.clock()
            with Session(self.engine, expire_on_commit=False) as session:
                rows = claim_due(session, now=now, lease_until=now + self.lease, limit=self.batch_size)
                reporters = self._reporters(session, rows)
            if not rows:
                return handled
            rows = self._spread(rows)
            try:
                await asyncio.gather(*(self._one(row, reporters.get(row.reporter_id or 0)) for row in rows))
            finally:
                self.journal.flush()
            handled += len(rows)
            for pacer in self.pacers.values():
                pacer.forget_idle()

    def _spread(self, rows: list[Outbox]) -> list[Outbox]:
        """Keep a few rows per chat in this batch and give the rest back, so one busy chat (paced at
        one a second) does not hold up the batch for everybody else."""
        per_chat: dict[tuple[str, str], int] = {}
        kept: list[Outbox] = []
        extra: list[int] = []
        for row in rows:
            key = (row.channel, row.chat_id)
            per_chat[key] = per_chat.get(key, 0) + 1
            if per_chat[key] <= PER_CHAT_IN_BATCH:
                kept.append(row)
            else:
                extra.append(_id(row))
        if extra:
            self._write(lambda s: unclaim(s, row_ids=extra))
        return kept

    @staticmethod
    def _reporters(session: Session, rows: list[Outbox]) -> dict[int, Reporter]:
        ids = {row.reporter_id for row in rows if row.reporter_id is not None}
        if not ids:
            return {}
        found = session.exec(select(Reporter).where(col(Reporter.id).in_(sorted(ids))))
        return {r.id: r for r in found if r.id is not None}

    async def _one(self, row: Outbox, reporter: Reporter | None) -> None:
        assert row.id is not None
        if reporter is not None and (reporter.opted_out_at or reporter.unreachable_at):
            reason = "opted out" if reporter.opted_out_at else "reporter unreachable"
            self._write(lambda s: finish(s, row_id=_id(row), status=OutboxStatus.CANCELLED,
                                         now=self.clock(), error=reason))
            return
        now = self.clock()
        if self.quiet is not None and not row.urgent and self.quiet.is_quiet(now):
            later = self.quiet.next_allowed(now)
            self._write(lambda s: requeue(s, row_id=_id(row), due_at=later, error="quiet hours",
                                          count_attempt=False))
            return
        sender = self.senders.get(row.channel)
        if sender is None:
            self._write(lambda s: finish(s, row_id=_id(row), status=OutboxStatus.FAILED,
                                         now=self.clock(), error=f"no sender for channel {row.channel}"))
            return
        pacer = self.pacers.get(row.channel)
        async with pacer.slot(row.chat_id) if pacer is not None else _no_pacing(), self._slots:
            if row.reporter_id in self._gone:  # found unreachable while this row waited
                self._write(lambda s: finish(s, row_id=_id(row), status=OutboxStatus.CANCELLED,
                                             now=self.clock(), error="reporter unreachable"))
                return
            if not self._still_ours(row):
                return
            self.journal.started(_id(row))
            try:
                provider_id = await sender.deliver(_outgoing(row, reporter))
            except SendFailure as failure:
                self._failed(row, failure, pacer)
                return
            except Exception as exc:  # a bug or an unknown library error: treat as transient
                log.exception("sender %s raised for outbox row %s", row.channel, row.id)
                self._failed(row, SendFailure("retry", f"{type(exc).__name__}: {exc}"), pacer)
                return
            # Outside the try: a failed commit must not count as a failed send (that would send again).
            await self.journal.sent(_id(row), provider_id)  # committed before this slot is given up
        OUTBOX_SENT.labels(row.channel).inc()

    def _still_ours(self, row: Outbox) -> bool:
        """Renew a lease that pacing has half used up; False when it lapsed and another process took it."""
        now = self.clock()
        assert row.claimed_until is not None
        if now < row.claimed_until - self.lease / 2:
            return True
        with Session(self.engine) as session:
            renewed = renew_lease(session, row_id=_id(row), held_until=row.claimed_until,
                                  lease_until=now + self.lease)
            session.commit()
        if renewed:
            row.claimed_until = now + self.lease
        else:
            log.warning("lost the lease on outbox row %s while pacing; another process has it", row.id)
        return renewed

    def _failed(self, row: Outbox, failure: SendFailure, pacer: Pacer | None) -> None:
        now = self.clock()
        detail = f"{failure.kind}: {failure.detail}"
        if failure.kind == "rate_limited":
            wait = failure.retry_after if failure.retry_after is not None else 1.0
            if pacer is not None:
                pacer.pause(wait)
            log.warning("%s asked to wait %.1fs (outbox row %s)", row.channel, wait, row.id)
            self._write(lambda s: requeue(s, row_id=_id(row), due_at=now + timedelta(seconds=wait),
                                          error=detail, count_attempt=False))
        elif failure.kind == "retry" and row.attempts + 1 < self.retry.max_attempts:
            delay = self.retry.delay(row.attempts + 1, self.rng)
            self._write(lambda s: requeue(s, row_id=_id(row), due_at=now + timedelta(seconds=delay),
                                          error=detail, count_attempt=True))
        elif failure.kind == "unreachable":
            if row.reporter_id is not None:
                self._gone.add(row.reporter_id)
            log.info("reporter %s is unreachable on %s: %s", row.reporter_id, row.channel, failure.detail)
            self._write(lambda s: self._unreachable(s, row, detail, now))
        else:
            log.warning("outbox row %s failed for good: %s", row.id, detail)
            self._write(lambda s: finish(s, row_id=_id(row), status=OutboxStatus.FAILED, now=now,
                                         error=detail))

    @staticmethod
    def _unreachable(session: Session, row: Outbox, detail: str, now: datetime) -> None:
        finish(session, row_id=_id(row), status=OutboxStatus.FAILED, now=now, error=detail)
        if row.reporter_id is None:
            return
        reporter = session.get(Reporter, row.reporter_id)
        if reporter is not None and reporter.unreachable_at is None:
            reporter.unreachable_at = now
            reporter.updated_at = now
            session.add(reporter)
        cancel_queued_for(session, reporter_id=row.reporter_id, reason="reporter unreachable")

    def _write(self, change: Callable[[Session], None]) -> None:
        with Session(self.engine) as session:
            change(session)
            session.commit()


@asynccontextmanager
async def _no_pacing() -> AsyncIterator[None]:
    yield


def _id(row: Outbox) -> int:
    assert row.id is not None
    return row.id


def _outgoing(row: Outbox, reporter: Reporter | None) -> Outgoing:
    buttons = tuple(tuple(Button(b["label"], b["data"]) for b in line) for line in row.buttons)
    return Outgoing(id=_id(row), channel=row.channel, chat_id=row.chat_id, kind=row.kind, text=row.text,
                    buttons=buttons, template=row.template, reporter_id=row.reporter_id,
                    last_inbound_at=reporter.last_inbound_at if reporter else None,
                    photo_path=row.photo_path)
