"""Translations from the gettext catalogs in `locales/`, with the locale in a ContextVar."""

from __future__ import annotations

import io
import os
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import cache
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import NullTranslations, Translations

DOMAIN = "aduan"
LOCALES = ("id", "en")
LOCALES_DIR = Path(os.environ.get("ADUAN_LOCALES_DIR", Path(__file__).resolve().parents[1] / "locales"))

_current: ContextVar[str] = ContextVar("aduan_locale", default="id")


def po_path(locale: str) -> Path:
    """Where the catalog of `locale` lives."""
    return LOCALES_DIR / locale / "LC_MESSAGES" / f"{DOMAIN}.po"


@cache
def translations(locale: str) -> NullTranslations:
    """The compiled catalog of `locale` (compiled in memory from the .po file, once)."""
    path = po_path(locale)
    if not path.exists():
        return NullTranslations()
    with path.open("rb") as po:
        catalog = read_po(po, locale=locale, domain=DOMAIN)
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    return Translations(fp=buffer, domain=DOMAIN)


def pick_locale(language_code: str | None, default: str) -> str:
    """The supported locale closest to a client's language code."""
    if language_code:
        base = language_code.split("-")[0].split("_")[0].lower()
        if base in LOCALES:
            return base
        if base in {"ms", "jv", "su"}:
            return "id"
    return default


def current_locale() -> str:
    """The locale of the message being handled."""
    return _current.get()


@contextmanager
def use_locale(locale: str) -> Iterator[None]:
    """Translate into `locale` inside the block."""
    token = _current.set(locale if locale in LOCALES else LOCALES[0])
    try:
        yield
    finally:
        _current.reset(token)


def switch_locale(locale: str) -> None:
    """Translate into `locale` for the rest of the enclosing `use_locale` block."""
    _current.set(locale if locale in LOCALES else LOCALES[0])


def _(message: str) -> str:
    """Translate `message` into the current locale."""
    return translations(_current.get()).gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    """Translate a message whose form depends on the count `n`."""
    return translations(_current.get()).ngettext(singular, plural, n)
