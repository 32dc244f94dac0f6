"""Benchmark: queue 10,000 notifications and dispatch them through the real Telegram sender against the
strict fake Bot API (in its own process), with the limit raised to 1,000 messages/s.

    .venv/bin/python bench/dispatch.py [--messages 10000] [--rate 1000]

Prints the queueing rate; the dispatcher alone (a sender that answers after 2 ms, no HTTP) against the
limit; then the whole path (python-telegram-bot over HTTP to the fake Bot API): messages/second, the
ratio to the configured limit, and the 429s provoked; and, for that path, the repeat window: how long a
sent message stays unrecorded between the platform's answer and the commit that records it, at the
limit and at Telegram's own 30 messages/s.
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing as mp
import tempfile
import time
from datetime import UTC, datetime
from multiprocessing.connection import Connection
from pathlib import Path

from sqlmodel import Session

from bot.simulator import BotApiSimulator
from bot.telegram.ptb.sender import build_bot, ptb_sender
from scheduler.dispatcher import Dispatcher
from scheduler.metrics import OUTBOX_UNRECORDED_SECONDS
from scheduler.pacing import Limits, Pacer
from scheduler.sending import Outgoing
from storage.db import make_engine, upgrade
from storage.outbox import enqueue

TOKEN = "123456789:AAH-bench-token-0123456789abcdefghij"
CEILING_SENDS = 3000
PACED_SENDS, PACED_RATE = 300, 30


def fake_bot_api(rate: int, pipe: Connection) -> None:
    """The strict Bot API simulator, serving until told to stop; then reports what it saw."""

    async def serve() -> None:
        async with BotApiSimulator(TOKEN) as sim:
            limiter = sim.enforce_rate_limits(overall=rate, per_chat=1, per_group=20)
            pipe.send(sim.url)
            await asyncio.get_running_loop().run_in_executor(None, pipe.recv)
            pipe.send((limiter.accepted, limiter.rejected, limiter.early_after_429))

    asyncio.run(serve())


class InstantPlatform:
    """A sender that answers after 2 ms without any HTTP: measures the dispatcher itself."""

    channel = "telegram"

    async def deliver(self, message: Outgoing) -> str | None:
        await asyncio.sleep(0.002)
        return str(message.id)


def queue(database: str, messages: int) -> float:
    engine = make_engine(database)
    upgrade(engine)
    now = datetime.now(UTC)
    started = time.perf_counter()
    with Session(engine) as session:
        for n in range(messages):
            enqueue(session, channel="telegram", chat_id=str(10_000_000 + n), kind="status",
                    text=f"🔔 Kabar terbaru laporan Anda ADU-{n:06d}", dedupe_key=f"bench:{n}",
                    due_at=now, buttons=[[("👍 Ya", f"fixed:ADU-{n:06d}:yes")]])
        session.commit()
    engine.dispose()
    return time.perf_counter() - started


async def dispatch_alone(database: str, rate: int) -> float:
    dispatcher = Dispatcher(engine=make_engine(database), senders={"telegram": InstantPlatform()},
                            pacers={"telegram": Pacer(Limits(overall=rate, per_chat=1, per_group=20))},
                            batch_size=1000, concurrency=100)
    started = time.perf_counter()
    await dispatcher.run_once()
    return time.perf_counter() - started


async def library_ceiling(url: str, messages: int) -> float:
    """python-telegram-bot alone, sending as fast as it can (no database, no pacing): the upper bound."""
    bot = build_bot(TOKEN, url, pool_size=8)
    await bot.initialize()
    slots = asyncio.Semaphore(8)

    async def one(n: int) -> None:
        async with slots:
            await bot.send_message(20_000_000 + n, "x")

    started = time.perf_counter()
    await asyncio.gather(*(one(n) for n in range(messages)))
    elapsed = time.perf_counter() - started
    await bot.shutdown()
    return messages / elapsed


async def dispatch(url: str, database: str, rate: int) -> float:
    engine = make_engine(database)
    bot = build_bot(TOKEN, url, pool_size=8)
    await bot.initialize()
    dispatcher = Dispatcher(engine=engine, senders={"telegram": ptb_sender(bot)},
                            pacers={"telegram": Pacer(Limits(overall=rate, per_chat=1, per_group=20))},
                            batch_size=1000, concurrency=8)
    started = time.perf_counter()
    await dispatcher.run_once()
    elapsed = time.perf_counter() - started
    await bot.shutdown()
    return elapsed


def unrecorded() -> tuple[float, float, list[tuple[float, float]]]:
    """The window histogram so far: count, sum, and (upper bound, cumulative count) per bucket."""
    [metric] = OUTBOX_UNRECORDED_SECONDS.collect()
    buckets = [(float(s.labels["le"]), s.value) for s in metric.samples if s.name.endswith("_bucket")]
    count = next(s.value for s in metric.samples if s.name.endswith("_count"))
    total = next(s.value for s in metric.samples if s.name.endswith("_sum"))
    return count, total, buckets


def window_line(before: tuple[float, float, list[tuple[float, float]]]) -> str:
    count, total, buckets = unrecorded()
    n = count - before[0]
    shares = []
    for (bound, cumulative), (_b, earlier) in zip(buckets, before[2], strict=True):
        if bound in (0.001, 0.002, 0.005, 0.01, 0.05):
            shares.append(f"<= {bound * 1000:g} ms {100 * (cumulative - earlier) / n:.1f}%")
    return (f"repeat window  answer -> commit: mean {1000 * (total - before[1]) / n:.2f} ms over {n:.0f} "
            f"sends; " + ", ".join(shares))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--messages", type=int, default=10_000)
    parser.add_argument("--rate", type=int, default=1_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        alone_db = f"sqlite:///{Path(tmp) / 'alone.db'}"
        queued = queue(alone_db, args.messages)
        alone = asyncio.run(dispatch_alone(alone_db, args.rate))

        database = f"sqlite:///{Path(tmp) / 'bench.db'}"
        queue(database, args.messages)
        parent, child = mp.Pipe()
        server = mp.get_context("spawn").Process(target=fake_bot_api, args=(args.rate, child))
        server.start()
        url = parent.recv()
        window_before = unrecorded()
        elapsed = asyncio.run(dispatch(url, database, args.rate))
        window = window_line(window_before)
        parent.send("stop")
        accepted, rejected, early = parent.recv()
        server.join(10)

        parent, child = mp.Pipe()  # the same server without limits, for the library's own ceiling
        server = mp.get_context("spawn").Process(target=fake_bot_api, args=(10**9, child))
        server.start()
        unlimited = parent.recv()
        ceiling = asyncio.run(library_ceiling(unlimited, min(CEILING_SENDS, args.messages)))
        paced_db = f"sqlite:///{Path(tmp) / 'paced.db'}"  # Telegram's own 30/s, as in production
        queue(paced_db, PACED_SENDS)
        paced_before = unrecorded()
        asyncio.run(dispatch(unlimited, paced_db, PACED_RATE))
        paced_window = window_line(paced_before)
        parent.send("stop")
        parent.recv()
        server.join(10)

    n, limit = args.messages, args.rate
    print(f"queue          {n} notifications in {queued:.2f} s ({n / queued:,.0f}/s)")
    print(f"dispatcher     {n / alone:,.0f} messages/s with a 2 ms sender, limit {limit:,}/s "
          f"(ratio {n / alone / limit:.2f})")
    print(f"end to end     {n / elapsed:,.0f} messages/s via python-telegram-bot to the fake Bot API, "
          f"limit {limit:,}/s (ratio {n / elapsed / limit:.2f}); {accepted} accepted")
    print(window)
    print(f"429s           {rejected} (sends before a retry_after had passed: {early})")
    print(paced_window.replace("repeat window ", f"  at {PACED_RATE}/s   "))
    print(f"library        {ceiling:,.0f} messages/s: python-telegram-bot alone, unpaced, no database "
          f"({min(CEILING_SENDS, n)} sends): the ceiling of the end-to-end figure on this machine")


if __name__ == "__main__":
    main()
