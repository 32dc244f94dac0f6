"""Recent figures: used again for a while, one load for readers who come together, errors not kept."""

from __future__ import annotations

import asyncio

import pytest

from bot.public.cache import Recent


class Source:
    """A value that changes with every load; each load takes a moment, as a database read does."""

    def __init__(self) -> None:
        self.loads = 0
        self.failing = False

    async def load(self) -> int:
        self.loads += 1
        await asyncio.sleep(0.01)
        if self.failing:
            raise RuntimeError("database away")
        return self.loads


async def test_the_value_is_used_again_until_it_is_ttl_seconds_old() -> None:
    now = [100.0]
    source = Source()
    recent = Recent(source.load, ttl=5, clock=lambda: now[0])
    assert [await recent.get(), await recent.get()] == [1, 1]
    now[0] += 4.9
    assert await recent.get() == 1
    now[0] += 0.1
    assert await recent.get() == 2


async def test_readers_who_come_together_share_one_load() -> None:
    source = Source()
    recent = Recent(source.load, ttl=0)
    assert await asyncio.gather(*(recent.get() for _ in range(8))) == [1] * 8
    assert await recent.get() == 2  # with no time to keep it, the next reader loads again


async def test_a_failed_load_reaches_its_readers_and_the_next_one_tries_again() -> None:
    source = Source()
    recent = Recent(source.load, ttl=5)
    source.failing = True
    results = await asyncio.gather(recent.get(), recent.get(), return_exceptions=True)
    assert [type(r) for r in results] == [RuntimeError, RuntimeError] and source.loads == 1
    source.failing = False
    assert await recent.get() == 2


async def test_a_reader_that_goes_away_does_not_stop_the_others_load() -> None:
    source = Source()
    recent = Recent(source.load, ttl=5)
    leaving = asyncio.ensure_future(recent.get())
    staying = asyncio.ensure_future(recent.get())
    await asyncio.sleep(0)
    leaving.cancel()
    assert await staying == 1
    with pytest.raises(asyncio.CancelledError):
        await leaving
