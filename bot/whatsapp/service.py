"""Builds the running WhatsApp channel: twilio client, media fetcher, webhook routes (and their server)."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import AsyncIterator
from dataclasses import dataclass

import aiohttp
from aiohttp import web
from sqlalchemy.engine import Engine

from bot.http_server import Routes, bound_port, http_server
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
    """The running channel, its outbox sender, its webhook routes and the HTTP server serving them."""

    channel: WhatsAppChannel
    sender: WhatsAppSender
    routes: Routes
    runner: web.AppRunner | None = None

    @property
    def port(self) -> int:
        """The port the webhook server listens on."""
        assert self.runner is not None, "served by a shared server: ask that one"
        return bound_port(self.runner)


@contextlib.asynccontextmanager
async def whatsapp_channel(settings: Settings, conversations: Conversations,
                           engine: Engine) -> AsyncIterator[WhatsAppService]:
    """Run the WhatsApp channel, whose routes a server serves; at exit, finish the messages under way.

    Whoever serves `routes` stops the server before this block ends, so no webhook arrives meanwhile.
    """
    account = TwilioAccount.from_settings(settings)
    client = build_client(account)
    async with aiohttp.ClientSession() as http:
        media = TwilioMedia(http, api_url=account.api_url, account_sid=account.account_sid,
                            auth_token=account.auth_token, max_bytes=settings.max_photo_bytes)
        channel = WhatsAppChannel(conversations, client, account, media)
        assert settings.public_base_url  # whatsapp_configured requires it
        routes = whatsapp_routes(channel, auth_token=account.auth_token,
                                 public_base_url=settings.public_base_url)
        service = WhatsAppService(channel, WhatsAppSender(client, account, engine), routes)
        log.info("WhatsApp webhooks at %s", settings.public_base_url)
        channel.inbox.start()
        try:
            yield service
        finally:
            await channel.inbox.stop()
            await close_client(client)


@contextlib.asynccontextmanager
async def whatsapp_service(settings: Settings, conversations: Conversations,
                           engine: Engine) -> AsyncIterator[WhatsAppService]:
    """The WhatsApp channel with a webhook server of its own (tests and embedders)."""
    async with whatsapp_channel(settings, conversations, engine) as service, \
            http_server(engine=engine, routes=[service.routes], host=settings.http_host,
                        port=settings.http_port) as runner:
        service.runner = runner
        yield service
