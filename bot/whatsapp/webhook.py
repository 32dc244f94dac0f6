"""Twilio's WhatsApp webhooks: inbound messages and delivery statuses, each checked against its signature."""

from __future__ import annotations

import logging

from aiohttp import web
from twilio.request_validator import RequestValidator

from bot.http_server import Handler, Routes
from bot.whatsapp.channel import WhatsAppChannel

log = logging.getLogger(__name__)

INBOUND_PATH = "/webhook/whatsapp"
STATUS_PATH = "/webhook/whatsapp/status"
EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response></Response>'
FORM = web.RequestKey("form", dict[str, str])


def whatsapp_routes(whatsapp: WhatsAppChannel, *, auth_token: str, public_base_url: str) -> Routes:
    """The webhook routes of a configured WhatsApp channel."""
    validator = RequestValidator(auth_token)

    def add(app: web.Application) -> None:
        app.router.add_post(INBOUND_PATH, _signed(validator, public_base_url, _inbound(whatsapp)))
        app.router.add_post(STATUS_PATH, _signed(validator, public_base_url, _status(whatsapp)))
    return add


def _signed(validator: RequestValidator, public_base_url: str, handler: Handler) -> Handler:
    """Refuse (403) every request whose X-Twilio-Signature does not match the public URL and form."""
    async def check(request: web.Request) -> web.StreamResponse:
        form = {key: str(value) for key, value in (await request.post()).items()}
        signature = request.headers.get("X-Twilio-Signature", "")
        url = public_base_url + request.path_qs
        if not signature or not validator.validate(url, form, signature):
            log.warning("refused a request to %s with a missing or wrong Twilio signature", request.path)
            return web.Response(status=403, text="invalid signature")
        request[FORM] = form
        return await handler(request)
    return check


def _inbound(whatsapp: WhatsAppChannel) -> Handler:
    async def inbound(request: web.Request) -> web.Response:
        form = request[FORM]
        if not form.get("MessageSid") or not form.get("From"):
            return web.Response(status=400, text="not a Twilio message")
        try:  # answered only once stored: a crash after the answer loses nothing
            await whatsapp.accept(form)
        except Exception:
            log.exception("could not store a WhatsApp message; Twilio may deliver it again")
            return web.Response(status=503, text="try again")
        return web.Response(text=EMPTY_TWIML, content_type="text/xml")
    return inbound


def _status(whatsapp: WhatsAppChannel) -> Handler:
    async def status(request: web.Request) -> web.Response:
        whatsapp.delivery_status(request[FORM])
        return web.Response(status=204)
    return status
