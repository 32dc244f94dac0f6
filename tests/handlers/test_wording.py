"""Every text that mentions buttons has a WhatsApp wording: it is only ever by_channel's first choice."""

from __future__ import annotations

import re
from pathlib import Path

from babel.messages.pofile import read_po

from handlers import i18n

ROOT = Path(__file__).resolve().parents[2]
SOURCES = [p for folder in ("handlers", "scheduler", "storage") for p in (ROOT / folder).rglob("*.py")]


def button_texts() -> list[str]:
    """The catalog's messages that speak of buttons (English) or tombol (Indonesian)."""
    with i18n.po_path("id").open("rb") as po:
        catalog = read_po(po, locale="id")
    found = []
    for message in catalog:
        if not message.id or isinstance(message.id, tuple):
            continue
        translated = message.string if isinstance(message.string, str) else ""
        if "button" in message.id.lower() or "tombol" in translated.lower():
            found.append(message.id)
    return found


def test_texts_about_buttons_are_the_telegram_choice_of_by_channel() -> None:
    source = "\n".join(p.read_text() for p in SOURCES)
    # Source strings are split over lines; compare them with the quotes and breaks taken out.
    flat = re.sub(r'"\s*\n\s*"', "", source)
    texts = button_texts()
    assert texts, "the catalog has texts about buttons; this test must see them"
    for text in texts:
        head = text[:40].replace("\n", "\\n")
        uses = [m.start() for m in re.finditer(re.escape(f'_("{head}'), flat)]
        assert uses, text
        for at in uses:
            assert flat[max(0, at - 40):at].rstrip().endswith("by_channel("), f"no WhatsApp wording: {text!r}"
