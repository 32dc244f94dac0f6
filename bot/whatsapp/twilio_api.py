"""The twilio client, pointed at the configured API root, and one call to send a WhatsApp message."""

from __future__ import annotations

import json
from dataclasses import dataclass

from twilio.http.async_http_client import AsyncTwilioHttpClient
from twilio.rest import Client

from bot.settings import Settings

# Twilio error codes with a meaning of their own for WhatsApp.
UNSUBSCRIBED = 21610
OUTSIDE_WINDOW = 63016


@dataclass(frozen=True)
class TwilioAccount:
    """What a WhatsApp sender needs to know about the Twilio account."""

    account_sid: str
    auth_token: str
    whatsapp_from: str
    api_url: str
    status_callback: str | None
    template_status_sid: str | None

    @classmethod
    def from_settings(cls, settings: Settings) -> TwilioAccount:
        """The account from the settings (which must have WhatsApp configured)."""
        assert settings.twilio_account_sid and settings.twilio_auth_token and settings.twilio_whatsapp_from
        sender = settings.twilio_whatsapp_from
        callback = f"{settings.public_base_url}/webhook/whatsapp/status" if settings.public_base_url else None
        return cls(account_sid=settings.twilio_account_sid,
                   auth_token=settings.twilio_auth_token.get_secret_value(),
                   whatsapp_from=sender if sender.startswith("whatsapp:") else f"whatsapp:{sender}",
                   api_url=settings.twilio_api_url, status_callback=callback,
                   template_status_sid=settings.twilio_template_status_sid)


def build_client(account: TwilioAccount) -> Client:
    """A twilio client on the async HTTP client, sending to `account.api_url` (call inside a loop)."""
    client = Client(account.account_sid, account.auth_token,
                    http_client=AsyncTwilioHttpClient(timeout=20))
    client.edge = client.region = None  # the configured root is used as given
    client.api.base_url = account.api_url
    return client


async def close_client(client: Client) -> None:
    """Close the client's HTTP session."""
    http = client.http_client
    if isinstance(http, AsyncTwilioHttpClient):
        await http.close()


async def send_whatsapp(
    client: Client, account: TwilioAccount, *, to: str, body: str | None = None,
    template: dict[str, str] | None = None,
) -> tuple[str, str]:
    """Send a free-form body, or the status template with `template` as its variables.

    Returns the message SID and its first status; raises TwilioRestException.
    """
    extra: dict[str, str] = {}
    if account.status_callback:
        extra["status_callback"] = account.status_callback
    if template is not None:
        assert account.template_status_sid
        message = await client.messages.create_async(
            to=to, from_=account.whatsapp_from, content_sid=account.template_status_sid,
            content_variables=json.dumps(template, ensure_ascii=False), **extra)
    else:
        message = await client.messages.create_async(to=to, from_=account.whatsapp_from, body=body,
                                                     **extra)
    return str(message.sid), str(message.status or "queued")
