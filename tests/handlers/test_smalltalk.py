"""Greetings and thanks are told apart from report content."""

from __future__ import annotations

import pytest

from handlers.smalltalk import is_smalltalk


@pytest.mark.parametrize(("text", "expected"), [
    ("Halo", True), ("halo min 🙏", True), ("Terima kasih banyak ya pak", True), ("Selamat pagi!", True),
    ("", True), ("ok", True), ("Thank you", True),
    ("Saya mau menambahkan informasi", False), ("lubangnya makin besar", False), ("Budi", False),
    ("Halo, sampah belum diangkut", False),
])
def test_smalltalk(text: str, expected: bool) -> None:
    assert is_smalltalk(text) is expected
