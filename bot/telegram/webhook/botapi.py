"""The Bot API's webhook methods (setWebhook, deleteWebhook, getWebhookInfo), for the service and operators.

Plain JSON calls, the same for both drivers; the token is in the URL, so no URL is ever logged.
"""

from __future__ import annotations

from typing import Any

import aiohttp

from bot.telegram.updates import JSONDict

# What Aduan handles; Telegram then does not even create the other kinds of updates.
ALLOWED_UPDATES = ["message", "callback_query"]
WEBHOOK_PATH = "/webhook/telegram"


class BotApiError(Exception):
    """The Bot API refused a call (its description, never the URL)."""


class WebhookApi:
    """Calls the webhook methods of one bot on the Bot API server at `api_url`."""

    def __init__(self, *, token: str, api_url: str, timeout: float = 10.0) -> None:
        self._base = f"{api_url}/bot{token}"
        self._timeout = aiohttp.ClientTimeout(total=timeout)

    async def call(self, method: str, params: JSONDict | None = None) -> Any:
        """One Bot API call; its `result`, or BotApiError."""
        try:
            async with aiohttp.ClientSession(timeout=self._timeout) as http, \
                    http.post(f"{self._base}/{method}", json=params or {}) as response:
                body = await response.json(content_type=None)
        except (aiohttp.ClientError, TimeoutError, ValueError) as exc:
            raise BotApiError(f"{method}: the Bot API did not answer ({type(exc).__name__})") from None
        if not isinstance(body, dict) or not body.get("ok"):
            description = body.get("description") if isinstance(body, dict) else None
            raise BotApiError(f"{method}: {description or 'refused'}")
        return body.get("result")

    async def set_webhook(self, *, url: str, secret: str, max_connections: int,
                          drop_pending_updates: bool = False) -> None:
        """Point Telegram at `url`, with the secret it must echo and the update kinds Aduan handles."""
        await self.call("setWebhook", {"url": url, "secret_token": secret, "max_connections": max_connections,
                                       "allowed_updates": ALLOWED_UPDATES,
                                       "drop_pending_updates": drop_pending_updates})

    async def delete_webhook(self, *, drop_pending_updates: bool = False) -> None:
        """Stop webhook delivery (updates wait for getUpdates again)."""
        await self.call("deleteWebhook", {"drop_pending_updates": drop_pending_updates})

    async def webhook_info(self) -> JSONDict:
        """getWebhookInfo: the URL, pending updates, the last delivery error."""
        info = await self.call("getWebhookInfo")
        return info if isinstance(info, dict) else {}


def webhook_url(public_base_url: str) -> str:
    """The URL Telegram posts updates to."""
    return public_base_url.rstrip("/") + WEBHOOK_PATH
