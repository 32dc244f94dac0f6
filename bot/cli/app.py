"""The `aduan` command line: run the bot, play the demo, migrate and export."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
import sys
from collections.abc import Coroutine
from enum import StrEnum
from typing import Annotated, Any

import typer
from sqlmodel import Session

from bot.cli.apikey import apikey_app
from bot.cli.operators import agency_app, operator_app
from bot.cli.privacy import privacy_app, who
from bot.cli.replies import reply_app
from bot.cli.telegram import telegram_app
from bot.logs import setup_logging
from bot.settings import Settings, get_settings
from bot.wiring import open_database
from storage.access_log import FULL, complaint_ids, record_access
from storage.db import current_revision, make_engine, upgrade
from storage.export import complaint_records, csv_header, to_csv, to_jsonl
from storage.models import utcnow

app = typer.Typer(help="Aduan: chat-first complaint intake for public services.", no_args_is_help=True)
db_app = typer.Typer(help="Database schema.", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(agency_app, name="agency")
app.add_typer(operator_app, name="operator")
app.add_typer(privacy_app, name="privacy")
app.add_typer(reply_app, name="reply")
app.add_typer(apikey_app, name="apikey")
app.add_typer(telegram_app, name="telegram")


def _settings() -> Settings:
    settings = get_settings()
    setup_logging(settings.log_level, settings.secrets(), settings.log_format)
    return settings


@app.command()
def run() -> None:
    """Run the bot (Telegram polling or webhook, WhatsApp webhooks); with neither configured, the demo."""
    settings = _settings()
    if settings.telegram_bot_token is None and not settings.whatsapp_configured:
        typer.secho("No TELEGRAM_BOT_TOKEN is configured, so no real chat can reach this bot.\n"
                    "Playing the demo instead: the real Telegram adapter against a local Bot API "
                    "simulator. Set TELEGRAM_BOT_TOKEN in .env to go live.\n",
                    fg=typer.colors.YELLOW, err=True)
        demo()
        return
    from bot.runner import serve

    asyncio.run(_until_signal(serve(settings)))


@app.command()
def worker() -> None:
    """Run only the scheduler: the outbox dispatcher and the scheduled reminders (Telegram sender)."""
    settings = _settings()
    if settings.telegram_bot_token is None:
        typer.secho("The worker sends through Telegram: set TELEGRAM_BOT_TOKEN in .env first.",
                    fg=typer.colors.RED, err=True)
        raise typer.Exit(2)
    from bot.worker import work

    asyncio.run(_until_signal(work(settings)))


async def _until_signal(main: Coroutine[Any, Any, None]) -> None:
    task = asyncio.create_task(main)
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError):
            loop.add_signal_handler(sig, task.cancel)
    with contextlib.suppress(asyncio.CancelledError):
        await task


@app.command()
def demo() -> None:
    """Play a resident's whole report through the real adapter against a local Bot API simulator."""
    settings = _settings()
    if settings.log_level.upper() == "INFO":  # the transcript is the output; keep the logs to problems
        logging.getLogger().setLevel(logging.WARNING)
    from bot.cli.demo import play

    transcript, code = asyncio.run(play(settings))
    typer.echo(transcript)
    typer.secho(f"\nFiled as {code}. See it with: aduan export --format jsonl", fg=typer.colors.GREEN)


class ExportFormat(StrEnum):
    """Formats `aduan export` writes."""

    jsonl = "jsonl"
    csv = "csv"


@app.command()
def export(
    fmt: Annotated[ExportFormat, typer.Option("--format", "-f", help="jsonl or csv.")] = ExportFormat.jsonl,
) -> None:
    """Write every complaint to stdout (personal data: every complaint exported is in the access log)."""
    settings = _settings()
    engine = open_database(settings)
    typer.echo("This export holds residents' personal data (UU PDP No. 27/2022); it is recorded in the "
               "access log (aduan privacy access-log). Keep it safe and delete it when done.", err=True)
    out = sys.stdout
    if fmt is ExportFormat.csv:
        out.write(csv_header())
    actor, now = who(), utcnow()
    with Session(engine) as session:
        exported: list[str] = []
        for record in complaint_records(session, media_dir=settings.media_dir):
            out.write(to_jsonl(record) if fmt is ExportFormat.jsonl else to_csv(record))
            exported.append(record["code"])
    with Session(engine) as session:
        record_access(session, complaint_ids=complaint_ids(session, codes=exported), actor=actor,
                      action="export", data=FULL, now=now)
        session.commit()


@db_app.command("upgrade")
def db_upgrade(revision: str = typer.Argument("head")) -> None:
    """Apply the schema migrations (also done automatically at start)."""
    settings = _settings()
    engine = make_engine(settings.database_url)
    upgrade(engine, revision)
    typer.echo(f"database at revision {current_revision(engine)}")


@db_app.command("current")
def db_current() -> None:
    """Show the schema revision the database is at."""
    engine = make_engine(_settings().database_url)
    typer.echo(current_revision(engine) or "not migrated")
