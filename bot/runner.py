"""The long-running service: every configured channel, the one HTTP server and the scheduler."""

from __future__ import annotations

import asyncio
import contextlib
import logging

from bot.heap import freeze_startup_objects
from bot.http_server import HealthCheck, Readiness, Routes, bound_port, build_app, start_server
from bot.metrics_route import metrics_routes
from bot.open311.routes import open311_routes
from bot.public.routes import public_routes
from bot.public.site import build_site
from bot.settings import Settings
from bot.telegram.driver import build_driver
from bot.telegram.updates import CHANNEL as TELEGRAM
from bot.telegram.webhook.service import TelegramWebhook, telegram_webhook
from bot.whatsapp.service import whatsapp_channel
from bot.wiring import build_conversations, open_database
from bot.worker import build_scheduler, shared_pacers
from scheduler.sending import Sender

log = logging.getLogger(__name__)


async def serve(settings: Settings) -> None:
    """Run every configured channel, the HTTP server and the scheduler, until cancelled."""
    engine = open_database(settings)
    conversations = build_conversations(settings, engine)
    pacers = shared_pacers(settings, engine)
    senders: dict[str, Sender] = {}
    token = settings.metrics_token.get_secret_value() if settings.metrics_token else None
    # Each part adds its routes to the one HTTP server: metrics, the public pages, Open311, the webhooks.
    site = build_site(settings, engine)
    routes: list[Routes] = [metrics_routes(engine, token=token, bound_to=settings.http_host),
                            public_routes(site), open311_routes(site)]
    checks: list[HealthCheck] = []
    readiness = Readiness()
    webhook: TelegramWebhook | None = None
    async with contextlib.AsyncExitStack() as running:
        if settings.telegram_bot_token is not None:
            driver = build_driver(settings.telegram_driver,
                                  token=settings.telegram_bot_token.get_secret_value(),
                                  api_url=settings.telegram_api_url, conversations=conversations,
                                  album_wait=settings.album_wait_seconds)
            driver.pacer = pacers.get(TELEGRAM)
            if settings.telegram_webhook:
                webhook = await running.enter_async_context(telegram_webhook(settings, engine, driver))
                routes.append(webhook.routes)
                checks.append(webhook.health)
            else:
                await driver.start()
                running.push_async_callback(driver.stop)
                log.info("Aduan is running: Telegram long polling (%s) against %s", settings.telegram_driver,
                         settings.telegram_api_url)
            senders[TELEGRAM] = driver.sender()
        if settings.whatsapp_configured:
            whatsapp = await running.enter_async_context(whatsapp_channel(settings, conversations, engine))
            senders[whatsapp.sender.channel] = whatsapp.sender
            routes.append(whatsapp.routes)
            log.info("Aduan is running: WhatsApp through Twilio at %s", settings.twilio_api_url)
        app = build_app(engine=engine, routes=routes, checks=checks, readiness=readiness)
        http = await start_server(app, host=settings.http_host, port=settings.http_port)
        running.push_async_callback(http.cleanup)  # stops taking requests before the channels finish
        log.info("HTTP server on %s:%s (/healthz, /readyz, /metrics, /laporan, /open311/v2)",
                 settings.http_host, bound_port(http))
        if webhook is not None:
            await webhook.register()
        scheduler = build_scheduler(settings, engine, senders, pacers=pacers)
        scheduler.start()
        running.push_async_callback(scheduler.stop)  # stops first: nothing is sent through closed channels
        readiness.ready = True
        freeze_startup_objects()
        try:
            await asyncio.Event().wait()
        finally:
            readiness.ready = False
            log.info("Aduan stopping")
