"""`aduan telegram webhook info|set|delete`: Telegram's webhook, as operators look after it."""

from __future__ import annotations

import asyncio
import json
from typing import Annotated, Any

import typer

from bot.settings import Settings, get_settings
from bot.telegram.webhook.botapi import BotApiError, WebhookApi, webhook_url
from bot.telegram.webhook.service import webhook_secret
from bot.wiring import open_database

telegram_app = typer.Typer(help="Telegram.", no_args_is_help=True)
webhook_app = typer.Typer(help="Telegram's webhook (TELEGRAM_MODE=webhook).", no_args_is_help=True)
telegram_app.add_typer(webhook_app, name="webhook")

DropPending = Annotated[bool, typer.Option("--drop-pending", help="Discard the updates Telegram holds.")]


def _api(settings: Settings) -> WebhookApi:
    if settings.telegram_bot_token is None:
        typer.secho("Set TELEGRAM_BOT_TOKEN first.", fg=typer.colors.RED, err=True)
        raise typer.Exit(2)
    return WebhookApi(token=settings.telegram_bot_token.get_secret_value(), api_url=settings.telegram_api_url)


def _run(call: Any) -> Any:
    try:
        return asyncio.run(call)
    except BotApiError as exc:
        typer.secho(str(exc), fg=typer.colors.RED, err=True)
        raise typer.Exit(1) from None


@webhook_app.command("info")
def info() -> None:
    """What Telegram knows of the webhook: URL, pending updates, the last delivery error (JSON)."""
    found = _run(_api(get_settings()).webhook_info())
    typer.echo(json.dumps(found, indent=2, ensure_ascii=False))


@webhook_app.command("set")
def set_webhook(
    url: Annotated[str | None, typer.Option(help="Defaults to PUBLIC_BASE_URL + /webhook/telegram.")] = None,
    drop_pending: DropPending = False,
) -> None:
    """Point Telegram at the webhook, with the secret every instance checks (`aduan run` does this too)."""
    settings = get_settings()
    target = url or (webhook_url(settings.public_base_url) if settings.public_base_url else None)
    if target is None:
        typer.secho("Set PUBLIC_BASE_URL (or pass --url).", fg=typer.colors.RED, err=True)
        raise typer.Exit(2)
    secret = webhook_secret(settings, open_database(settings))
    _run(_api(settings).set_webhook(url=target, secret=secret,
                                    max_connections=settings.telegram_webhook_max_connections,
                                    drop_pending_updates=drop_pending))
    typer.echo(f"webhook set to {target}")


@webhook_app.command("delete")
def delete(drop_pending: DropPending = False) -> None:
    """Remove the webhook (Telegram keeps the updates for long polling unless --drop-pending)."""
    _run(_api(get_settings()).delete_webhook(drop_pending_updates=drop_pending))
    typer.echo("webhook deleted")
