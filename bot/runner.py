"""The long-running service: the Telegram channel until the process is stopped."""

from __future__ import annotations

import asyncio
import logging

from bot.settings import Settings
from bot.telegram_driver import build_driver
from bot.wiring import build_conversations

log = logging.getLogger(__name__)


async def serve(settings: Settings) -> None:
    """Run every configured channel until cancelled."""
    assert settings.telegram_bot_token is not None
    conversations = build_conversations(settings)
    driver = build_driver(settings.telegram_driver, token=settings.telegram_bot_token.get_secret_value(),
                          api_url=settings.telegram_api_url, conversations=conversations,
                          album_wait=settings.album_wait_seconds)
    await driver.start()
    log.info("Aduan is running: Telegram long polling (%s) against %s", settings.telegram_driver,
             settings.telegram_api_url)
    try:
        await asyncio.Event().wait()
    finally:
        await driver.stop()
        log.info("Aduan stopped")
