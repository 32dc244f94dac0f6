"""The command menu Telegram shows residents, in each language."""

from __future__ import annotations

from handlers.i18n import _, use_locale


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
