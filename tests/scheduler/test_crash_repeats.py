"""kill -9 during dispatch: every notice is delivered, and a repeat is only ever the send in flight.

A real process (tests/crashing_worker.py: the dispatcher, the pacer and a driver's outbox sender)
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

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from bot.simulator import BotApiSimulator
from bot.telegram.driver import DRIVERS, DriverName
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


class Workers:
    """Starts sending processes (forked by tests/crashing_worker.py) and kills them with SIGKILL."""

    def __init__(self, zygote: asyncio.subprocess.Process) -> None:
        self.zygote = zygote

    @classmethod
    async def open(cls, engine: Engine, sim: BotApiSimulator, log: Path, driver: DriverName) -> Workers:
        env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), str(ROOT / "tests")])}
        with log.open("a") as stderr:
            zygote = await asyncio.create_subprocess_exec(
                sys.executable, str(WORKER), engine.url.render_as_string(hide_password=False), sim.url,
                driver, stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE, stderr=stderr,
                env=env, cwd=ROOT)
        return cls(zygote)

    async def _say(self, line: str, expect: str) -> str:
        assert self.zygote.stdin is not None and self.zygote.stdout is not None
        self.zygote.stdin.write(line.encode() + b"\n")
        await self.zygote.stdin.drain()
        answer = (await asyncio.wait_for(self.zygote.stdout.readline(), 60)).decode().strip()
        assert answer.startswith(expect), answer
        return answer.partition(" ")[2]

    async def start(self) -> int:
        """A new sending process, once it is ready; its pid."""
        return int(await self._say("start", "ready"))

    async def kill(self, pid: int) -> None:
        """SIGKILL, and wait until the process is gone."""
        os.kill(pid, signal.SIGKILL)
        await self._say(f"reap {pid}", "dead")

    async def close(self) -> None:
        self.zygote.kill()
        await self.zygote.wait()


async def until(condition: Callable[[], bool], seconds: float = 30.0) -> None:
    async with asyncio.timeout(seconds):
        while not condition():  # noqa: ASYNC110  (polls another process's writes)
            await asyncio.sleep(0.005)


@pytest.mark.parametrize("driver", DRIVERS)
async def test_kill_9_at_random_moments_repeats_at_most_the_send_in_flight(
        store: Engine, tmp_path: Path, driver: DriverName) -> None:
    queue_notices(store)
    rng = random.Random()
    seed = rng.randrange(10**6)
    rng.seed(seed)
    log = tmp_path / "worker.log"
    in_flight_at_kills: list[set[str]] = []
    started_at_kills: set[int] = set()
    async with BotApiSimulator(TOKEN) as sim:
        workers = await Workers.open(store, sim, log, driver)
        try:
            for _kill in range(KILLS):
                sends_before = len(sim.calls_to("sendMessage"))
                before = delivered(sim)
                pid = await workers.start()
                # A random moment while this process is dispatching: after its first send, within 0.6 s.
                await until(lambda: len(sim.calls_to("sendMessage")) > sends_before)  # noqa: B023
                await asyncio.sleep(rng.uniform(0, 0.6))
                await workers.kill(pid)
                rows = outbox(store)
                sent = {r.text for r in rows if r.status == "sent"}
                # Sent by this process, and the database does not say so: the send in flight at the kill.
                # (A message in flight at an earlier kill may still wait to be sent again: not this one's.)
                at_kill = delivered(sim)
                in_flight = {text for text in at_kill if at_kill[text] > before[text]} - sent
                in_flight_at_kills.append(in_flight)
                started_at_kills |= {r.id for r in rows if r.status == "sending" and r.send_started_at}  # type: ignore[misc]
                assert len(in_flight) <= 1, (seed, in_flight)
            pid = await workers.start()
            await until(lambda: all(r.status == "sent" for r in outbox(store)), seconds=60)
            await workers.kill(pid)
        finally:
            await workers.close()
        counts = delivered(sim)

    assert len(counts) == NOTICES, seed  # every notice delivered
    # Only a message in flight at a kill is repeated, and once for each kill it was in flight at.
    for text, n in counts.items():
        assert n - 1 <= sum(text in kill for kill in in_flight_at_kills), (seed, text, n)
    assert sum(n - 1 for n in counts.values()) <= KILLS
    # Each row whose lease expired after its send began was named in the log when it went again.
    logged = {int(n) for found in re.findall(r"outbox rows \[([\d, ]+)\] were being sent", log.read_text())
              for n in found.split(", ")}
    assert logged == started_at_kills, (seed, log.read_text())
    assert "Traceback" not in log.read_text()
