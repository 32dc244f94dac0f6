"""POST /webhook/telegram: checks Telegram's secret header, stores the update, answers 200 at once."""

from __future__ import annotations

import hmac
import json
import logging

from aiohttp import web

from bot.http_server import Routes
from bot.telegram.webhook.botapi import WEBHOOK_PATH
from bot.telegram.webhook.inbox import TelegramInbox

log = logging.getLogger(__name__)
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"  # noqa: S105  (a header name)


def telegram_webhook_routes(inbox: TelegramInbox, *, secret: str) -> Routes:
    """The webhook route, answering 200 only once the update is stored (a crash after it loses nothing)."""
    expected = secret.encode()

    async def receive(request: web.Request) -> web.Response:
        given = request.headers.get(SECRET_HEADER, "").encode()
        if not hmac.compare_digest(given, expected):
            log.warning("refused a Telegram webhook call without the right secret token")
            return web.Response(status=403, text="forbidden")
        body = await request.read()
        try:
            payload = json.loads(body)
            if not isinstance(payload, dict) or type(payload.get("update_id")) is not int:
                raise ValueError("no update_id")
            inbox.driver.parse(payload)
        except ValueError:  # json's errors are ValueErrors too; the body itself is never logged
            log.warning("refused a Telegram webhook body that is not an update (%d bytes)", len(body))
            return web.Response(status=400, text="not a Telegram update")
        try:
            await inbox.accept(payload)
        except Exception:
            log.exception("could not store a Telegram update; Telegram will deliver it again")
            return web.Response(status=503, text="try again")
        return web.Response(status=200)

    def add(app: web.Application) -> None:
        app.router.add_post(WEBHOOK_PATH, receive)

    return add
