"""Numbers in the reader's locale (Babel): “92,4%” in Indonesian, “92.4%” in English."""

from __future__ import annotations

from babel.numbers import format_decimal, format_percent

from handlers.i18n import current_locale


def percent(share: float) -> str:
    """A share (0..1) as a percentage with one decimal."""
    return format_percent(share, "#,##0.0%", locale=current_locale())


def decimal(value: float) -> str:
    """A number with at most one decimal."""
    return format_decimal(value, "#,##0.#", locale=current_locale())
