"""Builds the running WhatsApp channel: twilio client, media fetcher, and the webhook routes it adds."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import AsyncIterator
from dataclasses import dataclass

import aiohttp
from sqlalchemy.engine import Engine

from bot.http_server import Routes
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
    """The running channel, its outbox sender and the webhook routes for the service's HTTP server."""

    channel: WhatsAppChannel
    sender: WhatsAppSender
    routes: Routes


@contextlib.asynccontextmanager
async def whatsapp_service(settings: Settings, conversations: Conversations,
                           engine: Engine) -> AsyncIterator[WhatsAppService]:
    """Run the WhatsApp channel; at exit (after the HTTP server stopped taking requests), finish its work."""
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
        log.info("WhatsApp webhooks at %s/webhook/whatsapp", settings.public_base_url)
        try:
            yield service
        finally:
            await channel.drain()
            await close_client(client)
