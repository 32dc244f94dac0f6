"""The gettext catalogs stay complete: every string in the code is translated in every locale."""

from __future__ import annotations

import string
from functools import cache
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog, Message
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from handlers import i18n

ROOT = Path(__file__).resolve().parents[1]
SOURCE_DIRS = ("bot", "handlers", "storage", "scheduler")
METHOD_MAP = [("**.py", "python"), ("**/templates/**.html", "jinja2")]
KEYWORDS = {"_": None, "ngettext": (1, 2)}

MsgId = str | tuple[str, ...]


@cache
def extracted() -> dict[str, MsgId]:
    """The messages marked for translation in the source right now, keyed by their singular msgid."""
    messages: dict[str, MsgId] = {}
    for name in SOURCE_DIRS:
        directory = ROOT / name
        if not directory.is_dir():
            continue
        for _filename, _lineno, message, _comments, _context in extract_from_dir(
                directory, METHOD_MAP, keywords=KEYWORDS, strip_comment_tags=True):
            key = message if isinstance(message, str) else message[0]
            if key:
                messages[key] = message
    return messages


def load(locale: str) -> Catalog:
    with i18n.po_path(locale).open("rb") as po:
        return read_po(po, locale=locale, domain=i18n.DOMAIN)


def singular(message: Message) -> str:
    return message.id if isinstance(message.id, str) else message.id[0]


def placeholders(text: str) -> set[str]:
    """The names of the `{placeholder}` fields of a format string."""
    return {field for _literal, field, _spec, _conv in string.Formatter().parse(text) if field is not None}


def problems(message: Message, msgid: MsgId) -> list[str]:
    """What is wrong with the catalog entry `message` for the source string `msgid`."""
    found = []
    wanted = msgid if isinstance(msgid, tuple) else (msgid,)
    have = message.id if isinstance(message.id, tuple) else (message.id,)
    if len(wanted) != len(have):
        found.append("plural form differs from the code")
    if message.fuzzy:
        found.append("fuzzy")
    strings = message.string if isinstance(message.string, tuple) else (message.string,)
    expected = set().union(*(placeholders(text) for text in wanted))
    for index, text in enumerate(strings):
        label = f"msgstr[{index}]" if isinstance(message.string, tuple) else "msgstr"
        if not text:
            found.append(f"{label} empty")
            continue
        try:
            names = placeholders(text)
        except ValueError as error:
            found.append(f"{label} is not a valid format string ({error})")
            continue
        if names != expected:
            found.append(f"{label} placeholders {sorted(names)} != {sorted(expected)}")
    return found


def test_the_source_has_messages_to_translate() -> None:
    assert len(extracted()) > 20


@pytest.mark.parametrize("locale", i18n.LOCALES)
def test_every_message_in_the_code_is_translated(locale: str) -> None:
    catalog = load(locale)
    bad = []
    for key, msgid in sorted(extracted().items()):
        message = catalog.get(key)
        if message is None:
            bad.append(f"missing: {key!r}")
            continue
        bad.extend(f"{issue}: {key!r}" for issue in problems(message, msgid))
    assert not bad, f"{i18n.po_path(locale)} has {len(bad)} problem(s):\n" + "\n".join(bad)


@pytest.mark.parametrize("locale", i18n.LOCALES)
def test_no_catalog_entry_is_obsolete(locale: str) -> None:
    catalog = load(locale)
    used = extracted()
    unused = [repr(key) for key in sorted(singular(message) for message in catalog if message.id)
              if key not in used]
    unused += [f"{singular(message)!r} (obsolete #~ entry)" for message in catalog.obsolete.values()]
    assert not unused, f"{i18n.po_path(locale)} has entries the code no longer uses:\n" + "\n".join(unused)


@pytest.mark.parametrize(("locale", "expected"), [
    ("id", "Diterima, menunggu verifikasi"),
    ("en", "Received, waiting for verification"),
])
def test_a_status_label_is_translated(locale: str, expected: str) -> None:
    assert i18n.translations(locale).gettext("Received, waiting for verification") == expected
