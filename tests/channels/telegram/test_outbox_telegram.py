"""The outbox through each driver's real sender against the Bot API simulator on loopback."""

from __future__ import annotations

import asyncio
import itertools
from collections import Counter
from collections.abc import AsyncIterator
from datetime import timedelta

import pytest
from live_telegram import TOKEN
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from bot.simulator import BotApiSimulator
from bot.telegram.aiogram.driver import build_bot as build_aiogram_bot
from bot.telegram.aiogram.sender import aiogram_sender
from bot.telegram.outbox import OutboxSender
from bot.telegram.ptb.sender import build_bot, ptb_sender
from scheduler.dispatcher import Dispatcher
from scheduler.pacing import Limits, Pacer
from scheduler.sending import Outgoing
from scheduler_helpers import file_report
from storage.models import Outbox, OutboxStatus, Reporter, utcnow
from storage.outbox import enqueue

TELEGRAM_LIMITS = Limits(overall=30, per_chat=1, per_group=20)


@pytest.fixture
async def sim() -> AsyncIterator[BotApiSimulator]:
    async with BotApiSimulator(TOKEN) as simulator:
        yield simulator


@pytest.fixture(params=["ptb", "aiogram"])
async def sender(sim: BotApiSimulator, request: pytest.FixtureRequest) -> AsyncIterator[OutboxSender]:
    if request.param == "aiogram":
        aiogram_bot = build_aiogram_bot(TOKEN, sim.url)
        yield aiogram_sender(aiogram_bot)
        await aiogram_bot.session.close()
        return
    bot = build_bot(TOKEN, sim.url)
    await bot.initialize()
    yield ptb_sender(bot)
    await bot.shutdown()


def queue(engine: Engine, sim: BotApiSimulator, chats: list[int], *, reporter_id: int | None = None) -> None:
    now = utcnow()
    with Session(engine) as session:
        for n, chat in enumerate(chats):
            sim.user(chat)
            enqueue(session, channel="telegram", chat_id=str(chat), text=f"Kabar #{n} untuk {chat}",
                    kind="status", dedupe_key=f"k{n}", due_at=now, reporter_id=reporter_id,
                    buttons=[[("Cek status", "menu:status")]])
        session.commit()


def unfinished(engine: Engine) -> int:
    with Session(engine) as session:
        return len(session.exec(select(Outbox.id).where(
            col(Outbox.status).in_([OutboxStatus.QUEUED.value, OutboxStatus.SENDING.value]))).all())


async def drain(dispatcher: Dispatcher, engine: Engine, *, within: float = 15.0) -> None:
    """Tick the dispatcher (as the scheduler does) until nothing is left to send."""
    async with asyncio.timeout(within):
        while unfinished(engine):
            await dispatcher.run_once()
            await asyncio.sleep(0.05)


def texts(sim: BotApiSimulator) -> Counter[str]:
    return Counter(m.text or "" for m in sim.sent)


async def test_no_429_at_telegrams_limits(engine: Engine, sim: BotApiSimulator, sender: OutboxSender) -> None:
    limiter = sim.enforce_rate_limits(overall=30, per_chat=1, per_group=20)
    chats = [9000 + n for n in range(60)] + [4242] * 3
    queue(engine, sim, chats)
    dispatcher = Dispatcher(engine=engine, senders={"telegram": sender},
                            pacers={"telegram": Pacer(TELEGRAM_LIMITS)})
    await drain(dispatcher, engine)
    assert (limiter.accepted, limiter.rejected, limiter.early_after_429) == (63, 0, 0)
    assert set(texts(sim).values()) == {1} and len(texts(sim)) == 63
    assert sim.sent[0].buttons == [[("Cek status", "menu:status")]]
    to_one = [c.time for c in sim.calls_to("sendMessage") if c.params.get("chat_id") == 4242]
    assert all(b - a >= 1.0 for a, b in itertools.pairwise(to_one))


async def test_without_pacing_the_strict_server_pushes_back(engine: Engine, sim: BotApiSimulator,
                                                            sender: OutboxSender) -> None:
    """The fake server really enforces the limits: the test above could fail."""
    limiter = sim.enforce_rate_limits(overall=30, per_chat=1)
    queue(engine, sim, [7000 + n for n in range(40)])
    dispatcher = Dispatcher(engine=engine, senders={"telegram": sender}, pacers={})
    await dispatcher.run_once()
    assert limiter.rejected >= 10
    with Session(engine) as session:
        waiting = session.exec(select(Outbox).where(Outbox.status == "queued")).all()
    assert len(waiting) == limiter.rejected and all(row.attempts == 0 for row in waiting)


async def test_nothing_is_sent_before_retry_after(engine: Engine, sim: BotApiSimulator,
                                                  sender: OutboxSender) -> None:
    sim.fail_next("sendMessage", error_code=429, description="Too Many Requests: retry after 2",
                  retry_after=2)
    queue(engine, sim, [8001, 8001])  # one chat: the second send waits for the first's answer
    dispatcher = Dispatcher(engine=engine, senders={"telegram": sender},
                            pacers={"telegram": Pacer(TELEGRAM_LIMITS)})
    await drain(dispatcher, engine)
    first, *rest = sim.calls_to("sendMessage")
    assert len(rest) == 2 and all(call.time >= first.time + 2.0 for call in rest)
    assert sorted(texts(sim)) == ["Kabar #0 untuk 8001", "Kabar #1 untuk 8001"]


@pytest.mark.parametrize(("code", "description"), [
    (403, "Forbidden: bot was blocked by the user"),
    (400, "Bad Request: chat not found"),
])
async def test_a_reporter_who_cannot_be_reached_is_marked(engine: Engine, sim: BotApiSimulator,
                                                          sender: OutboxSender, code: int,
                                                          description: str) -> None:
    complaint = file_report(engine, now=utcnow(), user="6001")
    sim.fail_next("sendMessage", error_code=code, description=description)
    queue(engine, sim, [6001, 6001], reporter_id=complaint.reporter_id)
    await Dispatcher(engine=engine, senders={"telegram": sender}, pacers={}, concurrency=1).run_once()
    with Session(engine) as session:
        reporter = session.get(Reporter, complaint.reporter_id)
        statuses = [r.status for r in session.exec(select(Outbox).order_by(col(Outbox.id)))]
    assert reporter is not None and reporter.unreachable_at is not None
    assert statuses == ["failed", "cancelled"]
    assert sim.sent == []


class CrashingSender:
    """The real sender, except that the process 'dies' just before the n-th send."""

    channel = "telegram"

    def __init__(self, inner: OutboxSender, crash_at: int) -> None:
        self.inner = inner
        self.crash_at = crash_at
        self.calls = 0
        self.dead = asyncio.Event()

    async def deliver(self, message: Outgoing) -> str | None:
        self.calls += 1
        if self.calls == self.crash_at:
            self.dead.set()
            await asyncio.Event().wait()  # frozen until the test kills the process
        return await self.inner.deliver(message)


@pytest.mark.parametrize("crash_at", [1, 7, 15])
async def test_kill_and_restart_mid_batch_delivers_each_message_once(
        engine: Engine, sim: BotApiSimulator, sender: OutboxSender, crash_at: int) -> None:
    queue(engine, sim, [5000 + n for n in range(25)])
    crashing = CrashingSender(sender, crash_at)
    first = Dispatcher(engine=engine, senders={"telegram": crashing}, pacers={}, batch_size=10,
                       concurrency=1, lease_seconds=30)
    run = asyncio.create_task(first.run_once())
    await asyncio.wait_for(crashing.dead.wait(), 10)
    run.cancel()  # the process is gone: its claimed rows stay leased
    with pytest.raises(asyncio.CancelledError):
        await run
    assert len(sim.sent) == crash_at - 1

    after_lease = Dispatcher(engine=engine, senders={"telegram": sender}, pacers={},
                             clock=lambda: utcnow() + timedelta(seconds=31))
    await after_lease.run_once()
    assert len(texts(sim)) == 25 and set(texts(sim).values()) == {1}
    assert unfinished(engine) == 0
