"""The command menus Telegram shows: residents' in each language, operators' in their own chats only."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from handlers.i18n import _, use_locale
from handlers.messages import Reply
from handlers.operators.help import operator_commands
from storage.models import Operator
from storage.operators import list_operators
from storage.reporters import get_reporter

CHANNEL = "telegram"
# A reply with this meta makes the driver publish the operators' menu in the reply's chat (after /join).
OPERATOR_MENU = ("menu", "operator")


def command_menu(locale: str) -> list[tuple[str, str]]:
    """The commands shown in Telegram's menu for `locale`, with their descriptions."""
    with use_locale(locale):
        if locale == "en":
            names = ("start", "report", "status", "cancel", "language", "mydata", "deletedata", "help")
        else:
            names = ("start", "lapor", "status", "batal", "bahasa", "dataku", "hapusdata", "bantuan")
        descriptions = (
            _("Start and see the menu"),
            _("Make a new report"),
            _("Status of your reports"),
            _("Cancel the unfinished report"),
            _("Change the language"),
            _("Everything stored about you"),
            _("Erase your personal data"),
            _("Help"),
        )
        return list(zip(names, descriptions, strict=True))


def operator_menu(locale: str) -> list[tuple[str, str]]:
    """The operators' commands with one line each, for their chats' menu."""
    with use_locale(locale):
        return [(name, f"{args} {what}".strip()[:256]) for name, args, what in operator_commands()]


def operator_chats(engine: Engine, default_locale: str) -> list[tuple[int, str]]:
    """(private chat id, language) of every active Telegram operator."""
    with Session(engine) as session:
        chats = []
        for operator in list_operators(session):
            if operator.channel != CHANNEL or not operator.external_id.lstrip("-").isdigit():
                continue
            reporter = get_reporter(session, channel=CHANNEL, external_id=operator.external_id)
            chats.append((int(operator.external_id), reporter.locale if reporter else default_locale))
        return chats


def former_operator_chats(engine: Engine) -> list[int]:
    """Private chat ids of Telegram operators whose rights were taken away (their menu goes too)."""
    with Session(engine) as session:
        rows = session.exec(select(Operator.external_id).where(
            Operator.channel == CHANNEL, col(Operator.active).is_(False))).all()
    return [int(external_id) for external_id in rows if external_id.lstrip("-").isdigit()]


def wants_operator_menu(replies: Sequence[Reply]) -> bool:
    """Whether a reply asks for the operators' menu in its chat."""
    key, value = OPERATOR_MENU
    return any(r.meta.get(key) == value for r in replies)
