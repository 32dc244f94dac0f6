"""Two sending processes on one PostgreSQL share the bot's budget: 30/s overall and 1/s per chat hold."""

from __future__ import annotations

import asyncio
import itertools
import random
import threading
import time
from collections.abc import Iterator

import pytest
from sqlalchemy.engine import Engine

from scheduler.pacing import Limits
from scheduler.shared_pacing import SharedPacer
from scheduler_helpers import postgres_database
from storage.db import make_engine, upgrade

CHATS = [str(5000 + n) for n in range(30)]


@pytest.fixture
def postgres() -> Iterator[str]:
    """A migrated PostgreSQL database (skipped without a server)."""
    for url in postgres_database():
        engine = make_engine(url)
        upgrade(engine)
        engine.dispose()
        yield url


def _most_in_any_window(times: list[float], span: float) -> int:
    times = sorted(times)
    most, start = 0, 0
    for end, at in enumerate(times):
        while times[start] <= at - span:
            start += 1
        most = max(most, end - start + 1)
    return most


def test_two_senders_keep_the_bots_limits_together(postgres: str) -> None:
    sent: list[tuple[float, str]] = []
    lock = threading.Lock()

    async def sender(engine: Engine, seed: int) -> None:
        pacer = SharedPacer(Limits(overall=30, per_chat=1), engine=engine, channel="telegram")
        rng = random.Random(seed)

        async def one(chat_id: str) -> None:
            async with pacer.slot(chat_id):
                await asyncio.sleep(rng.uniform(0.0, 0.02))  # the request on its way
                with lock:
                    sent.append((time.monotonic(), chat_id))
                await asyncio.sleep(rng.uniform(0.0, 0.02))  # and the answer on its way back

        await asyncio.gather(*(one(chat) for chat in CHATS * 2))

    def process(seed: int) -> None:  # each "process" has its own engine, thread and event loop
        engine = make_engine(postgres)
        try:
            asyncio.run(sender(engine, seed))
        finally:
            engine.dispose()

    started = time.monotonic()
    threads = [threading.Thread(target=process, args=(seed,)) for seed in (1, 2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    took = time.monotonic() - started
    assert len(sent) == 120
    assert _most_in_any_window([at for at, _chat in sent], 1.0) <= 30
    for chat in CHATS:
        times = sorted(at for at, to in sent if to == chat)
        assert len(times) == 4 and min(b - a for a, b in itertools.pairwise(times)) >= 1.0
    assert took < 12  # 120 sends at 30/s: about 4 seconds, not serialised into one chat at a time
