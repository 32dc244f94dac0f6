"""kill -9 during dispatch: every notice is delivered, and a repeat is only ever the send in flight.

A real process (tests/crashing_worker.py: the dispatcher, the pacer and python-telegram-bot)
sends 200 notices to the Bot API simulator under pacing (20/s overall, bursts then pauses: the pauses
are where unrecorded sends used to wait), and is killed with SIGKILL at 10 random moments, restarted
each time. It sends one message at a time, so at any moment at most one send is in flight: the
platform may have it, the database does not say it was sent. That one, and only that one, may repeat.
"""

from __future__ import annotations

import asyncio
import os
import random
import re
import signal
import sys
from collections import Counter
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from bot.telegram_sim import BotApiSimulator
from crashing_worker import TOKEN
from storage.models import Outbox, utcnow
from storage.outbox import enqueue

NOTICES = 200
KILLS = 10
WORKER = Path(__file__).parents[1] / "crashing_worker.py"
ROOT = Path(__file__).parents[2]


def queue_notices(engine: Engine) -> None:
    due = utcnow() - timedelta(minutes=1)
    with Session(engine) as session:
        for n in range(NOTICES):
            enqueue(session, channel="telegram", chat_id=str(9000 + n % 50), kind="status",
                    text=f"Laporan ADU-{n:06d} sudah diverifikasi", dedupe_key=f"verified:{n}",
                    due_at=due)
        session.commit()


def outbox(engine: Engine) -> list[Outbox]:
    with Session(engine) as session:
        return list(session.exec(select(Outbox)))


def delivered(sim: BotApiSimulator) -> Counter[str]:
    return Counter(str(c.params["text"]) for c in sim.calls_to("sendMessage"))


async def start_worker(engine: Engine, sim: BotApiSimulator, log: Path) -> asyncio.subprocess.Process:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), str(ROOT / "tests")])}
    with log.open("a") as stderr:
        process = await asyncio.create_subprocess_exec(
            sys.executable, str(WORKER), engine.url.render_as_string(hide_password=False), sim.url,
            stdout=asyncio.subprocess.PIPE, stderr=stderr, env=env, cwd=ROOT)
    assert process.stdout is not None
    assert await asyncio.wait_for(process.stdout.readline(), 30) == b"ready\n"
    return process


async def until(condition: Callable[[], bool], seconds: float = 30.0) -> None:
    async with asyncio.timeout(seconds):
        while not condition():  # noqa: ASYNC110  (polls another process's writes)
            await asyncio.sleep(0.005)


async def test_kill_9_at_random_moments_repeats_at_most_the_send_in_flight(
        store: Engine, tmp_path: Path) -> None:
    queue_notices(store)
    rng = random.Random()
    seed = rng.randrange(10**6)
    rng.seed(seed)
    log = tmp_path / "worker.log"
    in_flight_at_kills: list[set[str]] = []
    started_at_kills: set[int] = set()
    async with BotApiSimulator(TOKEN) as sim:
        for _kill in range(KILLS):
            sends_before = len(sim.calls_to("sendMessage"))
            worker = await start_worker(store, sim, log)
            # A random moment while this process is dispatching: after its first send, within 0.6 s.
            await until(lambda: len(sim.calls_to("sendMessage")) > sends_before)  # noqa: B023
            await asyncio.sleep(rng.uniform(0, 0.6))
            worker.send_signal(signal.SIGKILL)
            await worker.wait()
            rows = outbox(store)
            sent = {r.text for r in rows if r.status == "sent"}
            in_flight = set(delivered(sim)) - sent  # the platform has it, the database does not say so
            in_flight_at_kills.append(in_flight)
            started_at_kills |= {r.id for r in rows if r.status == "sending" and r.send_started_at}  # type: ignore[misc]
            assert len(in_flight) <= 1, (seed, in_flight)
        worker = await start_worker(store, sim, log)
        try:
            await until(lambda: all(r.status == "sent" for r in outbox(store)), seconds=60)
        finally:
            worker.send_signal(signal.SIGKILL)
            await worker.wait()
        counts = delivered(sim)

    assert len(counts) == NOTICES, seed  # every notice delivered
    repeats = {text for text, n in counts.items() if n > 1}
    assert max(counts.values()) <= 2, seed
    assert repeats <= set().union(*in_flight_at_kills), seed  # only a message in flight at a kill
    assert len(repeats) <= KILLS
    # Each row whose lease expired after its send began was named in the log when it went again.
    logged = {int(n) for found in re.findall(r"outbox rows \[([\d, ]+)\] were being sent", log.read_text())
              for n in found.split(", ")}
    assert logged == started_at_kills, (seed, log.read_text())
    assert "Traceback" not in log.read_text()
