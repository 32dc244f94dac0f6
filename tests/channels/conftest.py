"""A live Telegram channel: the real driver long-polling the Bot API simulator on loopback."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from live_instances import migrated_postgres
from live_telegram import TOKEN, LiveTelegram
from live_whatsapp import LiveWhatsApp, live_whatsapp
from sqlalchemy.engine import Engine

from bot.simulator import BotApiSimulator
from bot.telegram.driver import DRIVERS, DriverName


@pytest.fixture(params=DRIVERS)
async def live(engine: Engine, tmp_path: Path, request: pytest.FixtureRequest) -> AsyncIterator[LiveTelegram]:
    """A running Telegram channel against the simulator, once with each driver."""
    driver: DriverName = request.param
    async with BotApiSimulator(TOKEN) as sim:
        channel = LiveTelegram(sim, engine, tmp_path / "media", driver)
        await channel.start()
        try:
            yield channel
        finally:
            await channel.stop()


@pytest.fixture
async def whatsapp(engine: Engine, db_url: str, tmp_path: Path) -> AsyncIterator[LiveWhatsApp]:
    """A running WhatsApp channel against a fake Twilio."""
    async with live_whatsapp(engine, db_url, tmp_path / "wa-media") as channel:
        yield channel


@pytest.fixture
def postgres() -> Iterator[str]:
    """A migrated PostgreSQL database for real `aduan run` processes (skipped without a server)."""
    yield from migrated_postgres()
