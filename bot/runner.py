"""The long-running service: every configured channel and the scheduler, until the process is stopped."""

from __future__ import annotations

import asyncio
import contextlib
import logging

from bot.heap import freeze_startup_objects
from bot.http_server import Routes, http_server
from bot.open311.routes import open311_routes
from bot.public.routes import public_routes
from bot.public.site import build_site
from bot.settings import Settings
from bot.telegram.driver import build_driver
from bot.telegram.updates import CHANNEL as TELEGRAM
from bot.whatsapp.service import whatsapp_channel
from bot.wiring import build_conversations, open_database
from bot.worker import build_scheduler
from scheduler.sending import Sender

log = logging.getLogger(__name__)


async def serve(settings: Settings) -> None:
    """Run every configured channel, and the scheduler sending through them, until cancelled."""
    engine = open_database(settings)
    conversations = build_conversations(settings, engine)
    senders: dict[str, Sender] = {}
    # Each part adds its routes to the one HTTP server: the public pages, Open311, the channels' webhooks.
    site = build_site(settings, engine)
    routes: list[Routes] = [public_routes(site), open311_routes(site)]
    async with contextlib.AsyncExitStack() as running:
        if settings.telegram_bot_token is not None:
            driver = build_driver(settings.telegram_driver,
                                  token=settings.telegram_bot_token.get_secret_value(),
                                  api_url=settings.telegram_api_url, conversations=conversations,
                                  album_wait=settings.album_wait_seconds)
            await driver.start()
            running.push_async_callback(driver.stop)
            senders[TELEGRAM] = driver.sender()
            log.info("Aduan is running: Telegram long polling (%s) against %s", settings.telegram_driver,
                     settings.telegram_api_url)
        if settings.whatsapp_configured:
            whatsapp = await running.enter_async_context(whatsapp_channel(settings, conversations, engine))
            senders[whatsapp.sender.channel] = whatsapp.sender
            routes.append(whatsapp.routes)
            log.info("Aduan is running: WhatsApp through Twilio at %s", settings.twilio_api_url)
        # Entered after the channels, so it stops before them: no webhook arrives at a stopped channel.
        await running.enter_async_context(http_server(engine=engine, routes=routes, host=settings.http_host,
                                                      port=settings.http_port))
        scheduler = build_scheduler(settings, engine, senders)
        scheduler.start()
        running.push_async_callback(scheduler.stop)  # stops first: nothing is sent through closed channels
        freeze_startup_objects()
        try:
            await asyncio.Event().wait()
        finally:
            log.info("Aduan stopping")
