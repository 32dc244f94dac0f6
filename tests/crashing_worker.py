"""A sending process for the crash test: the real dispatcher, pacer and python-telegram-bot sender,
ticking every 50 ms against the database and Bot API given on the command line until it is killed."""

from __future__ import annotations

import asyncio
import logging
import sys

from bot.telegram_ptb_sender import build_bot, ptb_sender
from scheduler.dispatcher import Dispatcher
from scheduler.pacing import Limits, Pacer
from storage.db import make_engine

TOKEN = "123456789:AAH-crash-token-0123456789abcdefghij"
LEASE_SECONDS = 1.0
RATE_PER_SECOND = 20


async def work(database_url: str, api_url: str) -> None:
    bot = build_bot(TOKEN, api_url)
    await bot.initialize()
    pacer = Pacer(Limits(overall=RATE_PER_SECOND, per_chat=1))
    dispatcher = Dispatcher(engine=make_engine(database_url), senders={"telegram": ptb_sender(bot)},
                            pacers={"telegram": pacer}, lease_seconds=LEASE_SECONDS, concurrency=1)
    print("ready", flush=True)
    while True:
        await dispatcher.run_once()
        await asyncio.sleep(0.05)


if __name__ == "__main__":
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr, format="%(name)s %(message)s")
    asyncio.run(work(sys.argv[1], sys.argv[2]))
