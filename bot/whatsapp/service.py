"""Builds the running WhatsApp channel: twilio client, media fetcher, webhook server."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import AsyncIterator
from dataclasses import dataclass

import aiohttp
from aiohttp import web
from sqlalchemy.engine import Engine

from bot.http_server import bound_port, build_app, start_server
from bot.settings import Settings
from bot.whatsapp.channel import WhatsAppChannel
from bot.whatsapp.messages import TwilioMedia
from bot.whatsapp.sender import WhatsAppSender
from bot.whatsapp.twilio_api import TwilioAccount, build_client, close_client
from bot.whatsapp.webhook import whatsapp_routes
from handlers.engine import Conversations

log = logging.getLogger(__name__)


@dataclass
class WhatsAppService:
    """The running channel, its outbox sender and the HTTP server it listens on."""

    channel: WhatsAppChannel
    sender: WhatsAppSender
    runner: web.AppRunner

    @property
    def port(self) -> int:
        """The port the webhook server listens on."""
        return bound_port(self.runner)


@contextlib.asynccontextmanager
async def whatsapp_service(settings: Settings, conversations: Conversations,
                           engine: Engine) -> AsyncIterator[WhatsAppService]:
    """Run the WhatsApp channel and its webhook server; at exit, finish the messages under way."""
    account = TwilioAccount.from_settings(settings)
    client = build_client(account)
    async with aiohttp.ClientSession() as http:
        media = TwilioMedia(http, api_url=account.api_url, account_sid=account.account_sid,
                            auth_token=account.auth_token, max_bytes=settings.max_photo_bytes)
        channel = WhatsAppChannel(conversations, client, account, media)
        assert settings.public_base_url  # whatsapp_configured requires it
        routes = whatsapp_routes(channel, auth_token=account.auth_token,
                                 public_base_url=settings.public_base_url)
        app = build_app(engine=engine, routes=[routes])
        runner = await start_server(app, host=settings.http_host, port=settings.http_port)
        service = WhatsAppService(channel, WhatsAppSender(client, account, engine), runner)
        log.info("WhatsApp webhooks listening on %s:%s (public URL %s)", settings.http_host,
                 service.port, settings.public_base_url)
        try:
            yield service
        finally:
            await runner.shutdown()  # stop taking requests first
            await channel.drain()
            await runner.cleanup()
            await close_client(client)
