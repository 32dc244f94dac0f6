"""Sending processes for the crash test: the real dispatcher, pacer and outbox sender of a Telegram
driver (ptb or aiogram), ticking every 50 ms against the database and Bot API given on the command line
until killed.   crashing_worker.py DATABASE_URL API_URL DRIVER

Run as a zygote so a restart does not import everything again (aiogram alone takes seconds): each
`start` line read on stdin forks a sending process, which prints `ready PID`; `reap PID` waits for that
process to end and prints `dead PID`."""

from __future__ import annotations

import asyncio
import logging
import os
import sys

from bot.telegram.outbox import OutboxSender
from scheduler.dispatcher import Dispatcher
from scheduler.pacing import Limits, Pacer
from storage.db import make_engine

TOKEN = "123456789:AAH-crash-token-0123456789abcdefghij"
LEASE_SECONDS = 0.5
RATE_PER_SECOND = 20


async def sender(driver: str, api_url: str) -> OutboxSender:
    if driver == "aiogram":
        from bot.telegram.aiogram.driver import build_bot
        from bot.telegram.aiogram.sender import aiogram_sender

        return aiogram_sender(build_bot(TOKEN, api_url))
    from bot.telegram.ptb.sender import build_bot as build_ptb_bot
    from bot.telegram.ptb.sender import ptb_sender

    bot = build_ptb_bot(TOKEN, api_url)
    await bot.initialize()
    return ptb_sender(bot)


def load(driver: str) -> None:
    """Import the driver's modules once, in the zygote."""
    if driver == "aiogram":
        import bot.telegram.aiogram.sender
    else:
        import bot.telegram.ptb.sender  # noqa: F401


async def work(database_url: str, api_url: str, driver: str) -> None:
    pacer = Pacer(Limits(overall=RATE_PER_SECOND, per_chat=1))
    dispatcher = Dispatcher(engine=make_engine(database_url),
                            senders={"telegram": await sender(driver, api_url)},
                            pacers={"telegram": pacer}, lease_seconds=LEASE_SECONDS, concurrency=1)
    print(f"ready {os.getpid()}", flush=True)
    while True:
        await dispatcher.run_once()
        await asyncio.sleep(0.05)


def zygote(database_url: str, api_url: str, driver: str) -> None:
    load(driver)
    for line in sys.stdin:
        command, _sep, arg = line.strip().partition(" ")
        if command == "start" and os.fork() == 0:
            asyncio.run(work(database_url, api_url, driver))
            os._exit(0)
        elif command == "reap":
            os.waitpid(int(arg), 0)
            print(f"dead {arg}", flush=True)


if __name__ == "__main__":
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr, format="%(name)s %(message)s")
    zygote(sys.argv[1], sys.argv[2], sys.argv[3])
