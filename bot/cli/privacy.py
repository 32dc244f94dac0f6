"""`aduan privacy …`: retention purge, erasure and export on a written request, the access log."""

from __future__ import annotations

import getpass
import sys
from typing import Annotated

import typer
from sqlmodel import Session, select

from bot.settings import Settings, get_settings
from bot.wiring import flow_config, open_database
from handlers.erasure import COUNTER, erase_resident
from handlers.my_data import data_json
from scheduler.retention import BATCH, PurgeResult, purge
from storage.access_log import FULL, access_log, complaint_ids, record_access
from storage.codes import normalize
from storage.complaints import find_complaint
from storage.media import MediaStore
from storage.models import Operator, Reporter, utcnow
from storage.privacy import find_resident
from storage.resident_data import resident_data

privacy_app = typer.Typer(help="Personal data (UU PDP No. 27/2022): retention, erasure, export, access log.",
                          no_args_is_help=True)
TelegramId = Annotated[int | None, typer.Option("--telegram-id", help="The resident's Telegram user id.")]
Phone = Annotated[str | None, typer.Option("--phone", help="The resident's WhatsApp number, +62…")]


def who() -> str:
    """The person at the console, as the access log and the erasure record name them."""
    try:
        return f"cli:{getpass.getuser()}"[:64]
    except (KeyError, OSError):
        return "cli"


def _resident(session: Session, telegram_id: int | None, phone: str | None) -> Reporter:
    if (telegram_id is None) == (phone is None):
        raise typer.BadParameter("give exactly one of --telegram-id N or --phone +62…")
    channel, external_id = ("telegram", str(telegram_id)) if telegram_id is not None else (
        "whatsapp", "+" + "".join(ch for ch in phone or "" if ch.isdigit()))
    reporter = find_resident(session, channel=channel, external_id=external_id)
    if reporter is None:
        typer.secho(f"No resident with {channel} id {external_id} is stored.", fg=typer.colors.YELLOW,
                    err=True)
        raise typer.Exit(1)
    return reporter


@privacy_app.command("purge")
def purge_command(
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Only show what would be erased.")] = False,
    batch: Annotated[int, typer.Option("--batch", min=1, help="Complaints per transaction.")] = BATCH,
) -> None:
    """Erase the personal data of complaints ended more than PRIVACY_RETENTION_YEARS ago."""
    settings = get_settings()
    engine = open_database(settings)

    def progress(result: PurgeResult) -> None:
        typer.echo(f"… {len(result.complaint_codes)} complaints erased so far", err=True)

    result = purge(engine, now=utcnow(), years=settings.privacy_retention_years, dry_run=dry_run,
                   delete_file=MediaStore(settings.media_dir).delete, after_batch=progress, batch=batch)
    verb = "would erase" if dry_run else "erased"
    typer.echo(f"{verb} the personal data of {len(result.complaint_codes)} complaints ended more than "
               f"{settings.privacy_retention_years} years ago")
    for code in result.complaint_codes:
        typer.echo(f"  {code}")
    typer.echo(f"{verb} {result.reporters} residents with nothing else stored"
               + ("" if dry_run else f"; {result.files} photo files deleted"))


@privacy_app.command("erase")
def erase_command(
    telegram_id: TelegramId = None, phone: Phone = None,
    yes: Annotated[bool, typer.Option("--yes", help="Do not ask to confirm.")] = False,
) -> None:
    """Erase one resident's personal data, on a request by letter or at the counter."""
    settings = get_settings()
    engine = open_database(settings)
    with Session(engine) as session:
        reporter = _resident(session, telegram_id, phone)
        assert reporter.id is not None
        if not yes:
            typer.confirm(f"Erase every personal data of this resident ({reporter.channel})? This cannot be "
                          "undone", abort=True)
        erased = erase_resident(session, reporter_id=reporter.id, now=utcnow(), config=flow_config(settings),
                                reason=COUNTER, actor=who())
        assert erased is not None
        media = MediaStore(settings.media_dir)
        for path in erased.files:
            media.delete(path)
        session.commit()
    typer.echo(f"erased: {len(erased.complaint_codes)} reports kept without personal data "
               f"({', '.join(erased.complaint_codes) or 'none'}), {len(erased.files)} photo files deleted")
    if erased.open_codes:
        typer.echo(f"the officers handling {', '.join(erased.open_codes)} were told")


@privacy_app.command("export")
def export_command(telegram_id: TelegramId = None, phone: Phone = None) -> None:
    """Write everything stored about one resident as JSON (the same document as /dataku)."""
    settings = _logged(get_settings())
    with Session(open_database(settings)) as session:
        reporter = _resident(session, telegram_id, phone)
        assert reporter.id is not None
        data = resident_data(session, reporter_id=reporter.id)
        sys.stdout.write(data_json(data).decode() + "\n")
        codes = [report["code"] for report in data["reports"]]
        record_access(session, complaint_ids=complaint_ids(session, codes=codes), actor=who(),
                      action="export", data=FULL, now=utcnow())
        session.commit()


def _logged(settings: Settings) -> Settings:
    typer.echo("This output holds a resident's personal data (UU PDP No. 27/2022): keep it safe, hand it "
               "only to the resident.", err=True)
    return settings


@privacy_app.command("access-log")
def access_log_command(
    complaint: Annotated[str, typer.Option("--complaint", help="The complaint's tracking code.")],
) -> None:
    """Who was shown the personal data of one complaint, when, how and what."""
    settings = get_settings()
    with Session(open_database(settings)) as session:
        code = normalize(complaint, settings.ticket_prefix)
        found = find_complaint(session, code=code) if code else None
        if found is None or found.id is None:
            typer.secho(f"No complaint {complaint}.", fg=typer.colors.YELLOW, err=True)
            raise typer.Exit(1)
        records = access_log(session, complaint_id=found.id)
        names = {f"operator:{o.id}": o.name for o in session.exec(select(Operator))}
    typer.echo(f"{found.code}: {len(records)} accesses to personal data")
    for record in records:
        at = record.created_at.isoformat(timespec="seconds")
        who_ = f"{record.actor} ({names[record.actor]})" if record.actor in names else record.actor
        typer.echo(f"{at}  {who_:<32} {record.action:<8} {record.data}")
