"""Statuses as operators type and read them, in both languages."""

from __future__ import annotations

import pytest

from handlers.i18n import use_locale
from handlers.numbers import decimal, percent
from handlers.operators.status_words import ALL, known_words, parse_status, status_word


@pytest.mark.parametrize(("typed", "status"), [
    ("diterima", "received"), ("DIVERIFIKASI", "verified"), ("diproses", "in_progress"),
    ("butuhinfo", "needs_info"), ("selesai", "resolved"), ("arsip", "archived"), ("semua", ALL),
    ("received", "received"), ("in progress", "in_progress"), ("needs_info", "needs_info"), ("all", ALL),
    ("", ALL), ("rusak", None),
])
def test_typed_statuses(typed: str, status: str | None) -> None:
    assert parse_status(typed) == status


def test_statuses_are_shown_in_the_operators_language() -> None:
    with use_locale("id"):
        assert status_word("in_progress") == "diproses"
        assert known_words().startswith("diterima, diverifikasi, diproses, butuhinfo, selesai, arsip")
    with use_locale("en"):
        assert status_word("in_progress") == "in_progress"


@pytest.mark.parametrize(("locale", "share", "value", "shown_share", "shown_value"), [
    ("id", 0.924, 2.5, "92,4%", "2,5"), ("en", 0.924, 2.5, "92.4%", "2.5"), ("id", 1, 3, "100,0%", "3"),
])
def test_numbers_in_the_readers_locale(locale: str, share: float, value: float, shown_share: str,
                                       shown_value: str) -> None:
    with use_locale(locale):
        assert (percent(share), decimal(value)) == (shown_share, shown_value)
