"""The long-running service: the Telegram channel and the scheduler until the process is stopped."""

from __future__ import annotations

import asyncio
import logging

from bot.settings import Settings
from bot.telegram_common import CHANNEL
from bot.telegram_ptb import PtbTelegram, build_application, start, stop
from bot.telegram_ptb_sender import PtbSender
from bot.wiring import build_conversations, open_database
from bot.worker import build_scheduler

log = logging.getLogger(__name__)


async def serve(settings: Settings) -> None:
    """Run every configured channel until cancelled."""
    assert settings.telegram_bot_token is not None
    engine = open_database(settings)
    conversations = build_conversations(settings, engine)
    application = build_application(settings.telegram_bot_token.get_secret_value(),
                                    settings.telegram_api_url)
    driver = PtbTelegram(application, conversations, album_wait=settings.album_wait_seconds)
    await start(driver)
    scheduler = build_scheduler(settings, engine, {CHANNEL: PtbSender(application.bot)})
    scheduler.start()
    log.info("Aduan is running: Telegram long polling against %s", settings.telegram_api_url)
    try:
        await asyncio.Event().wait()
    finally:
        await scheduler.stop()
        await stop(driver)
        log.info("Aduan stopped")
