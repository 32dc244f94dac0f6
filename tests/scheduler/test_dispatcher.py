"""The dispatcher: each outcome of a send, as the outbox table and the reporter rows hold it."""

from __future__ import annotations

import logging
import random
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import pytest
from prometheus_client import REGISTRY
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from handlers.workdays import QuietHours
from scheduler.dispatcher import Dispatcher, RetryPolicy
from scheduler.sending import Outgoing, SendFailure
from scheduler_helpers import file_report
from storage.models import Outbox, Reporter
from storage.outbox import enqueue, enqueue_for_reporter

NOON_WIB = datetime(2026, 11, 23, 5, 0, tzinfo=UTC)


@dataclass
class FakePlatform:
    """A channel's sender answering from a script: per chat, a list of failures to raise first."""

    channel: str = "telegram"
    failures: dict[str, list[SendFailure]] = field(default_factory=dict)
    delivered: list[Outgoing] = field(default_factory=list)

    async def deliver(self, message: Outgoing) -> str | None:
        script = self.failures.get(message.chat_id)
        if script:
            raise script.pop(0)
        self.delivered.append(message)
        return f"m{len(self.delivered)}"


class Clock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


def make(engine: Engine, platform: FakePlatform, clock: Clock, **kwargs: object) -> Dispatcher:
    return Dispatcher(engine=engine, senders={"telegram": platform}, pacers={}, clock=clock,
                      rng=random.Random(4), **kwargs)  # type: ignore[arg-type]


def queue(engine: Engine, chat: str, key: str, *, due: datetime = NOON_WIB, urgent: bool = False) -> None:
    with Session(engine) as session:
        enqueue(session, channel="telegram", chat_id=chat, text=f"pesan {key}", kind="status",
                dedupe_key=key, due_at=due, urgent=urgent, buttons=[[("Cek", "menu:status")]])
        session.commit()


def rows(engine: Engine) -> list[Outbox]:
    with Session(engine) as session:
        return list(session.exec(select(Outbox).order_by(col(Outbox.id))))


async def test_due_messages_are_sent_once_with_their_buttons(store: Engine) -> None:
    platform, clock = FakePlatform(), Clock(NOON_WIB)
    queue(store, "11", "a")
    queue(store, "12", "later", due=NOON_WIB + timedelta(hours=1))
    dispatcher = make(store, platform, clock)
    assert await dispatcher.run_once() == 1
    assert await dispatcher.run_once() == 0
    [sent] = platform.delivered
    assert (sent.chat_id, sent.text, sent.buttons[0][0].data) == ("11", "pesan a", "menu:status")
    first, later = rows(store)
    assert (first.status, first.provider_id, first.sent_at) == ("sent", "m1", NOON_WIB)
    assert later.status == "queued"


@pytest.mark.parametrize(("failure", "status", "due_after", "attempts"), [
    (SendFailure("rate_limited", "429", retry_after=17), "queued", timedelta(seconds=17), 0),
    (SendFailure("retry", "timed out"), "queued", timedelta(seconds=2.5), 1),
    (SendFailure("permanent", "Bad Request: message text is empty"), "failed", timedelta(0), 0),
])
async def test_each_failure_kind_lands_where_it_should(store: Engine, failure: SendFailure, status: str,
                                                       due_after: timedelta, attempts: int) -> None:
    platform, clock = FakePlatform(failures={"11": [failure]}), Clock(NOON_WIB)
    queue(store, "11", "a")
    await make(store, platform, clock).run_once()
    [row] = rows(store)
    assert (row.status, row.attempts) == (status, attempts)
    assert row.last_error is not None and failure.detail in row.last_error
    if status == "queued":
        assert row.due_at >= NOON_WIB + due_after
    assert platform.delivered == []


async def test_transient_errors_back_off_then_fail_with_the_error(store: Engine) -> None:
    timeouts = [SendFailure("retry", f"timed out #{n}") for n in range(10)]
    platform, clock = FakePlatform(failures={"11": timeouts}), Clock(NOON_WIB)
    queue(store, "11", "a")
    dispatcher = make(store, platform, clock, retry=RetryPolicy(max_attempts=4, base_seconds=5))
    waits = []
    for _try in range(4):
        await dispatcher.run_once()
        [row] = rows(store)
        waits.append(row.due_at - clock.now)
        clock.now = row.due_at
    assert (row.status, row.attempts, row.last_error) == ("failed", 3, "retry: timed out #3")
    assert waits[0] < waits[1] < waits[2]  # exponential, with jitter inside each step
    assert platform.delivered == []


async def test_a_blocked_reporter_is_marked_unreachable_and_nothing_more_goes(store: Engine) -> None:
    complaint = file_report(store, now=NOON_WIB, user="77")
    with Session(store) as session:
        reporter = session.get(Reporter, complaint.reporter_id)
        assert reporter is not None
        for key in ("one", "two"):
            enqueue_for_reporter(session, reporter=reporter, text=key, kind="status", dedupe_key=key,
                                 due_at=NOON_WIB if key == "one" else NOON_WIB + timedelta(days=1))
        session.commit()
    platform = FakePlatform(failures={"77": [SendFailure("unreachable", "Forbidden: bot was blocked")]})
    await make(store, platform, Clock(NOON_WIB)).run_once()
    first, second = rows(store)
    assert (first.status, second.status) == ("failed", "cancelled")
    assert second.last_error == "reporter unreachable"
    with Session(store) as session:
        assert session.get(Reporter, complaint.reporter_id).unreachable_at == NOON_WIB  # type: ignore[union-attr]


async def test_an_opted_out_reporter_gets_nothing(store: Engine) -> None:
    complaint = file_report(store, now=NOON_WIB, user="78")
    with Session(store) as session:
        reporter = session.get(Reporter, complaint.reporter_id)
        assert reporter is not None
        reporter.opted_out_at = NOON_WIB
        enqueue_for_reporter(session, reporter=reporter, text="x", kind="status", dedupe_key="k",
                             due_at=NOON_WIB)
        session.commit()
    platform = FakePlatform()
    await make(store, platform, Clock(NOON_WIB)).run_once()
    [row] = rows(store)
    assert (row.status, row.last_error, platform.delivered) == ("cancelled", "opted out", [])


async def test_non_urgent_messages_wait_for_the_morning(store: Engine) -> None:
    night = datetime(2026, 11, 23, 16, 0, tzinfo=UTC)  # 23:00 WIB
    queue(store, "11", "quiet")
    queue(store, "12", "urgent", urgent=True)
    platform = FakePlatform()
    dispatcher = make(store, platform, Clock(night), quiet=QuietHours("Asia/Jakarta", *_NIGHT))
    await dispatcher.run_once()
    quiet, _urgent = rows(store)
    assert [m.chat_id for m in platform.delivered] == ["12"]
    assert (quiet.status, quiet.due_at) == ("queued", datetime(2026, 11, 23, 23, 0, tzinfo=UTC))


_NIGHT = (datetime(2000, 1, 1, 21, 0).time(), datetime(2000, 1, 1, 6, 0).time())


async def test_an_expired_lease_goes_back_to_the_queue(store: Engine) -> None:
    queue(store, "11", "a")
    with Session(store) as session:
        row = session.exec(select(Outbox)).one()
        row.status, row.claimed_until = "sending", NOON_WIB - timedelta(seconds=1)  # its sender died
        session.add(row)
        session.commit()
    platform = FakePlatform()
    await make(store, platform, Clock(NOON_WIB)).run_once()
    assert [m.text for m in platform.delivered] == ["pesan a"]
    assert rows(store)[0].status == "sent"


async def test_a_live_lease_is_left_alone(store: Engine) -> None:
    queue(store, "11", "a")
    with Session(store) as session:
        row = session.exec(select(Outbox)).one()
        row.status, row.claimed_until = "sending", NOON_WIB + timedelta(seconds=30)
        session.add(row)
        session.commit()
    platform = FakePlatform()
    await make(store, platform, Clock(NOON_WIB)).run_once()
    assert platform.delivered == []


@dataclass
class CheckingPlatform:
    """Before each send, reads what the database says about the messages it sent before."""

    engine: Engine
    channel: str = "telegram"
    delivered: list[int] = field(default_factory=list)
    unrecorded_at_send: list[int] = field(default_factory=list)

    async def deliver(self, message: Outgoing) -> str | None:
        with Session(self.engine) as session:
            sent = {r.id for r in session.exec(select(Outbox).where(Outbox.status == "sent"))}
        self.unrecorded_at_send.append(len(set(self.delivered) - sent))
        self.delivered.append(message.id)
        return f"m{message.id}"


async def test_each_send_is_committed_before_the_next_one_leaves(store: Engine) -> None:
    for n in range(6):
        queue(store, str(20 + n), f"k{n}")
    platform = CheckingPlatform(store)
    dispatcher = Dispatcher(engine=store, senders={"telegram": platform}, pacers={},
                            clock=Clock(NOON_WIB), concurrency=1)
    assert await dispatcher.run_once() == 6
    assert platform.unrecorded_at_send == [0] * 6
    assert {r.status for r in rows(store)} == {"sent"}


def _lease_lapsed(engine: Engine, key: str, *, started: bool) -> None:
    with Session(engine) as session:
        row = session.exec(select(Outbox).where(Outbox.dedupe_key == key)).one()
        row.status, row.claimed_until = "sending", NOON_WIB - timedelta(seconds=1)
        row.send_started_at = NOON_WIB - timedelta(seconds=61) if started else None
        session.add(row)
        session.commit()


async def test_a_lease_that_lapsed_mid_send_is_sent_again_with_a_log_line_and_a_count(
        store: Engine, caplog: pytest.LogCaptureFixture) -> None:
    queue(store, "11", "was-being-sent")
    queue(store, "12", "was-waiting")
    _lease_lapsed(store, "was-being-sent", started=True)
    _lease_lapsed(store, "was-waiting", started=False)
    before = REGISTRY.get_sample_value("aduan_outbox_lease_expired_mid_send_total") or 0.0
    platform = FakePlatform()
    with caplog.at_level(logging.WARNING, logger="scheduler.dispatcher"):
        await make(store, platform, Clock(NOON_WIB)).run_once()
    assert sorted(m.text for m in platform.delivered) == ["pesan was-being-sent", "pesan was-waiting"]
    assert REGISTRY.get_sample_value("aduan_outbox_lease_expired_mid_send_total") == before + 1
    first, _second = rows(store)
    [warning] = [r.getMessage() for r in caplog.records if "being sent" in r.getMessage()]
    assert f"[{first.id}]" in warning and "twice" in warning
    assert {r.status for r in rows(store)} == {"sent"}
    assert all(r.send_started_at is not None for r in rows(store))  # this run's sends began too
