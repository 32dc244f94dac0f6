"""`aduan apikey …`: the keys other systems file Open311 requests with."""

from __future__ import annotations

import typer
from sqlmodel import Session

from bot.settings import get_settings
from bot.wiring import open_database
from storage.api_keys import KeyExists, add_key, list_keys, revoke_key
from storage.db import session_scope
from storage.models import utcnow

apikey_app = typer.Typer(help="Open311 API keys (POST /open311/v2/requests.json).", no_args_is_help=True)


@apikey_app.command("add")
def apikey_add(name: str) -> None:
    """Make a key for another system, e.g. `aduan apikey add callcentre`; it is shown only this once."""
    if not name.strip() or len(name.strip()) > 64:
        raise typer.BadParameter("give a name of 1 to 64 characters", param_hint="NAME")
    try:
        with session_scope(open_database(get_settings())) as session:
            key = add_key(session, name=name, now=utcnow())
    except KeyExists:
        typer.secho(f"A key named {name.strip()!r} exists already; revoke it first or pick another name.",
                    fg=typer.colors.RED, err=True)
        raise typer.Exit(1) from None
    typer.echo(key)
    typer.secho("Keep this key now: only its hash is stored, it cannot be shown again.", err=True)


@apikey_app.command("list")
def apikey_list() -> None:
    """Every key's name, creation date and whether it is revoked (never the key)."""
    with Session(open_database(get_settings())) as session:
        keys = list_keys(session)
    if not keys:
        typer.echo("No API keys yet: `aduan apikey add NAME` makes one.")
    for key in keys:
        state = f"revoked {key.revoked_at:%Y-%m-%d %H:%M}" if key.revoked_at else "active"
        typer.echo(f"{key.name}\t{key.created_at:%Y-%m-%d %H:%M} UTC\t{state}")


@apikey_app.command("revoke")
def apikey_revoke(name: str) -> None:
    """Revoke a key at once: its requests get 403 from now on."""
    with session_scope(open_database(get_settings())) as session:
        done = revoke_key(session, name=name, now=utcnow())
    if not done:
        typer.secho(f"No active key named {name!r}.", fg=typer.colors.RED, err=True)
        raise typer.Exit(1)
    typer.echo(f"Revoked {name}.")
