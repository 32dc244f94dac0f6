"""`aduan agency …` and `aduan operator …`: who handles complaints."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated

import typer
from sqlmodel import Session

from bot.settings import get_settings
from bot.wiring import open_database
from handlers.categories import CATEGORIES
from storage.models import OperatorRole, utcnow
from storage.operators import (
    add_agency,
    add_operator,
    agency_codes,
    categories_of,
    create_invite,
    get_agency,
    list_agencies,
    list_operators,
    remove_operator,
)

agency_app = typer.Typer(help="Agencies (OPD) complaints are forwarded to.", no_args_is_help=True)
operator_app = typer.Typer(help="Operators: the admin desk and agency staff.", no_args_is_help=True)

Role = Annotated[OperatorRole, typer.Option("--role", help="admin (the desk) or agency.")]
AgencyCode = Annotated[str | None, typer.Option("--agency", help="Agency code, for agency operators.")]
Categories = Annotated[str | None, typer.Option(
    "--categories", help=f"The categories the agency handles, comma-separated ({', '.join(CATEGORIES)}).")]


def _categories(text: str | None) -> list[str]:
    chosen = [c.strip().lower() for c in (text or "").split(",") if c.strip()]
    unknown = [c for c in chosen if c not in CATEGORIES]
    if unknown:
        raise typer.BadParameter(f"unknown categories: {', '.join(unknown)} (known: {', '.join(CATEGORIES)})",
                                 param_hint="--categories")
    return list(dict.fromkeys(chosen))


def _session() -> Session:
    return Session(open_database(get_settings()), expire_on_commit=False)


def _agency_id(session: Session, role: OperatorRole, code: str | None) -> int | None:
    if role is OperatorRole.AGENCY and not code:
        raise typer.BadParameter("an agency operator needs --agency CODE", param_hint="--agency")
    if code is None:
        return None
    agency = get_agency(session, code=code)
    if agency is None:
        known = ", ".join(a.code for a in list_agencies(session)) or "none yet"
        raise typer.BadParameter(f"no agency {code!r} (known: {known})", param_hint="--agency")
    return agency.id


@agency_app.command("add")
def agency_add(code: str, name: str, categories: Categories = None) -> None:
    """Register an agency, e.g. `aduan agency add DLH "Dinas Lingkungan Hidup" --categories waste`."""
    chosen = _categories(categories)
    with _session() as session:
        if get_agency(session, code=code) is not None:
            raise typer.BadParameter(f"agency {code.upper()} exists already", param_hint="CODE")
        agency = add_agency(session, code=code, name=name, now=utcnow(), categories=chosen)
        session.commit()
        handles = f" (handles {', '.join(chosen)})" if chosen else ""
        typer.echo(f"agency {agency.code}: {agency.name}{handles}")


@agency_app.command("categories")
def agency_categories(code: str, categories: Annotated[str, typer.Argument(
        help="Comma-separated categories; empty for none.")]) -> None:
    """Set the categories an agency handles, e.g. `aduan agency categories PUPR roads,flooding`."""
    chosen = _categories(categories)
    with _session() as session:
        agency = get_agency(session, code=code)
        if agency is None:
            raise typer.BadParameter(f"no agency {code!r}", param_hint="CODE")
        agency.categories = ",".join(chosen) or None
        session.add(agency)
        session.commit()
        typer.echo(f"agency {agency.code} handles {', '.join(chosen) or 'no category'}")


@agency_app.command("list")
def agency_list() -> None:
    """List the agencies."""
    with _session() as session:
        for agency in list_agencies(session):
            typer.echo(f"{agency.code}\t{agency.name}\t{','.join(categories_of(agency)) or '-'}")


@operator_app.command("add")
def operator_add(
    telegram_id: Annotated[int, typer.Option("--telegram-id", help="The person's Telegram user id.")],
    role: Role, name: Annotated[str, typer.Option("--name")], agency: AgencyCode = None,
) -> None:
    """Register a Telegram user as an operator."""
    with _session() as session:
        agency_id = _agency_id(session, role, agency)
        operator = add_operator(session, external_id=str(telegram_id), name=name, role=role,
                                agency_id=agency_id, now=utcnow())
        session.commit()
        typer.echo(f"operator {operator.name} ({operator.role}{' ' + agency.upper() if agency else ''})")


@operator_app.command("list")
def operator_list() -> None:
    """List the active operators."""
    with _session() as session:
        codes = agency_codes(session.connection())
        for operator in list_operators(session):
            agency = codes.get(operator.agency_id, "-") if operator.agency_id else "-"
            typer.echo(f"{operator.external_id}\t{operator.role}\t{agency}\t{operator.name}")


@operator_app.command("remove")
def operator_remove(telegram_id: Annotated[int, typer.Option("--telegram-id")]) -> None:
    """Take away a Telegram user's operator rights."""
    with _session() as session:
        if not remove_operator(session, external_id=str(telegram_id)):
            typer.echo(f"no active operator with Telegram id {telegram_id}", err=True)
            raise typer.Exit(1)
        session.commit()
        typer.echo(f"operator {telegram_id} removed")


@operator_app.command("invite")
def operator_invite(
    role: Role, agency: AgencyCode = None,
    valid_hours: Annotated[int, typer.Option("--valid-hours", min=1, max=24 * 30)] = 72,
) -> None:
    """Print a one-time code that a person redeems with /join CODE in the bot."""
    with _session() as session:
        agency_id = _agency_id(session, role, agency)
        code = create_invite(session, role=role, agency_id=agency_id, now=utcnow(),
                             valid_for=timedelta(hours=valid_hours))
        session.commit()
    typer.echo(code)
    typer.echo(f"Send /join {code} to the bot within {valid_hours} hours. The code works once.", err=True)
