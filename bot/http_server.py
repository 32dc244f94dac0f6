"""The HTTP server: Twilio's WhatsApp webhooks (signed) and a health check."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

from aiohttp import web
from sqlalchemy import text
from sqlalchemy.engine import Engine
from twilio.request_validator import RequestValidator

from bot.whatsapp_channel import WhatsAppChannel

log = logging.getLogger(__name__)

INBOUND_PATH = "/webhook/whatsapp"
STATUS_PATH = "/webhook/whatsapp/status"
EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response></Response>'
FORM = web.RequestKey("form", dict[str, str])
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def build_app(*, engine: Engine, whatsapp: WhatsAppChannel | None, auth_token: str | None,
              public_base_url: str | None) -> web.Application:
    """The aiohttp application; the webhook routes exist only when WhatsApp is configured."""
    app = web.Application(client_max_size=256 * 1024)
    app.router.add_get("/healthz", _health(engine))
    if whatsapp is not None:
        assert auth_token and public_base_url
        validator = RequestValidator(auth_token)
        app.router.add_post(INBOUND_PATH, _signed(validator, public_base_url, _inbound(whatsapp)))
        app.router.add_post(STATUS_PATH, _signed(validator, public_base_url, _status(whatsapp)))
    return app


def _health(engine: Engine) -> Handler:
    async def health(_request: web.Request) -> web.Response:
        try:
            with engine.connect() as connection:
                connection.execute(text("SELECT 1"))
        except Exception:
            log.warning("health check: the database does not answer", exc_info=True)
            return web.json_response({"status": "database unavailable"}, status=503)
        return web.json_response({"status": "ok"})
    return health


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
        whatsapp.receive(form)
        return web.Response(text=EMPTY_TWIML, content_type="text/xml")
    return inbound


def _status(whatsapp: WhatsAppChannel) -> Handler:
    async def status(request: web.Request) -> web.Response:
        whatsapp.delivery_status(request[FORM])
        return web.Response(status=204)
    return status


async def start_server(app: web.Application, *, host: str, port: int) -> web.AppRunner:
    """Serve `app` on host:port until the returned runner is cleaned up."""
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, host, port).start()
    return runner


def bound_port(runner: web.AppRunner) -> int:
    """The port the server listens on (useful when it was started on port 0)."""
    for address in runner.addresses:
        return int(address[1])
    raise RuntimeError("the server is not listening")
