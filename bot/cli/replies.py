"""`aduan reply …`: canned replies operators send with `/balas CODE #KEY`."""

from __future__ import annotations

from typing import Annotated

import typer
from sqlmodel import Session

from bot.settings import get_settings
from bot.wiring import open_database
from storage.canned_replies import list_replies, normalize_key, remove_reply, set_reply
from storage.models import utcnow

reply_app = typer.Typer(help="Canned replies: `/balas CODE #KEY` sends one in the reporter's language.",
                        no_args_is_help=True)


def _session() -> Session:
    return Session(open_database(get_settings()), expire_on_commit=False)


@reply_app.command("add")
def reply_add(
    key: str,
    text_id: Annotated[str, typer.Argument(help="The text in Bahasa Indonesia.")],
    text_en: Annotated[str, typer.Argument(help="The text in English.")],
) -> None:
    """Add a canned reply (or replace its texts), e.g. `aduan reply add survey "Petugas…" "An officer…"`."""
    if normalize_key(key) is None:
        raise typer.BadParameter("a key is letters, digits, - and _ (at most 32)", param_hint="KEY")
    if not text_id.strip() or not text_en.strip():
        raise typer.BadParameter("both texts are needed: Indonesian and English")
    with _session() as session:
        reply = set_reply(session, key=key, text_id=text_id, text_en=text_en, now=utcnow())
        session.commit()
        typer.echo(f"canned reply #{reply.key}")


@reply_app.command("list")
def reply_list() -> None:
    """List the canned replies."""
    with _session() as session:
        for reply in list_replies(session):
            typer.echo(f"#{reply.key}\tid: {reply.text_id}\ten: {reply.text_en}")


@reply_app.command("remove")
def reply_remove(key: str) -> None:
    """Delete a canned reply."""
    with _session() as session:
        if not remove_reply(session, key=key):
            raise typer.BadParameter(f"no canned reply {key!r}", param_hint="KEY")
        session.commit()
        typer.echo(f"canned reply #{normalize_key(key)} removed")
