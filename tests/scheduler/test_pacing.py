"""The pacer keeps every sliding window within its limit, on a controlled clock."""

from __future__ import annotations

import asyncio
import heapq
import itertools
from collections.abc import Awaitable
from typing import TypeVar

import pytest

from scheduler.pacing import Limits, Pacer

T = TypeVar("T")


class FakeTime:
    """Virtual time: when every task is waiting, the clock jumps to the earliest sleeper's wake-up."""

    def __init__(self) -> None:
        self.now = 1000.0
        self._sleepers: list[tuple[float, int, asyncio.Future[None]]] = []
        self._seq = 0

    def clock(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        heapq.heappush(self._sleepers, (self.now + seconds, self._seq, future))
        self._seq += 1
        await future

    async def run(self, work: Awaitable[T]) -> T:
        task = asyncio.ensure_future(work)
        while not task.done():
            for _spin in range(20):  # let every runnable task reach its next sleep
                await asyncio.sleep(0)
            if self._sleepers and not task.done():
                wake_at, _seq, future = heapq.heappop(self._sleepers)
                self.now = max(self.now, wake_at)
                future.set_result(None)
        return task.result()


async def send_all(pacer: Pacer, chats: list[str], time: FakeTime) -> list[tuple[float, str]]:
    sent: list[tuple[float, str]] = []

    async def one(chat: str) -> None:
        await pacer.acquire(chat)
        sent.append((time.now, chat))

    await time.run(asyncio.gather(*(one(chat) for chat in chats)))
    return sorted(sent)


def most_in_any_window(times: list[float], span: float) -> int:
    return max(sum(1 for t in times if start <= t < start + span) for start in times)


@pytest.mark.parametrize(("limits", "chats", "span", "most"), [
    (Limits(overall=30, per_chat=1), [str(100 + i) for i in range(95)], 1.0, 30),
    (Limits(overall=30, per_chat=1), ["7"] * 5, 1.0, 1),
    (Limits(overall=1000, per_chat=1), [str(i) for i in range(3000)], 1.0, 1000),
    (Limits(overall=30, per_chat=1, per_group=20), ["-100500"] * 45, 60.0, 20),
])
async def test_no_window_holds_more_than_the_limit(limits: Limits, chats: list[str], span: float,
                                                   most: int) -> None:
    time = FakeTime()
    sent = await send_all(Pacer(limits, clock=time.clock, sleep=time.sleep), chats, time)
    assert len(sent) == len(chats)
    assert most_in_any_window([t for t, _chat in sent], span) == most


async def test_a_private_chat_gets_one_message_per_second_while_others_go_on() -> None:
    time = FakeTime()
    sent = await send_all(Pacer(Limits(overall=30, per_chat=1), clock=time.clock, sleep=time.sleep),
                          ["1", "1", "1", "2", "3"], time)
    to_one = [t for t, chat in sent if chat == "1"]
    assert all(b - a >= 1.0 for a, b in itertools.pairwise(to_one))
    assert [t for t, chat in sent if chat != "1"] == [1000.0, 1000.0]


async def test_nothing_goes_before_a_pause_ends() -> None:
    time = FakeTime()
    pacer = Pacer(Limits(overall=30, per_chat=1), clock=time.clock, sleep=time.sleep)
    pacer.pause(7)
    sent = await send_all(pacer, ["1", "2"], time)
    assert min(t for t, _chat in sent) >= 1007.0
