"""Tracking codes: shape, uniqueness and forgiving input."""

from __future__ import annotations

import re

import pytest

from storage.codes import ALPHABET, new_code, normalize


def test_new_codes_have_the_prefix_and_six_crockford_characters() -> None:
    codes = {new_code("ADU") for _ in range(2000)}
    assert all(re.fullmatch(r"ADU-[0-9A-HJKMNP-TV-Z]{6}", c) for c in codes)
    assert len(codes) > 1990  # random, not sequential
    assert not set("ILOU") & set(ALPHABET)


@pytest.mark.parametrize(("typed", "meant"), [
    ("ADU-7K3M9Q", "ADU-7K3M9Q"),
    ("adu-7k3m9q", "ADU-7K3M9Q"),
    ("adu 7k3m9q", "ADU-7K3M9Q"),
    ("7k3m9q", "ADU-7K3M9Q"),
    ("ADU-7K3MOQ", "ADU-7K3M0Q"),   # O read as zero
    ("ADU-7K3ML9", "ADU-7K3M19"),   # L read as one
    ("ADU-7K3Mi9", "ADU-7K3M19"),   # I read as one
    (" ADU7K3M9Q ", "ADU-7K3M9Q"),
])
def test_typed_codes_are_normalized(typed: str, meant: str) -> None:
    assert normalize(typed, "ADU") == meant


@pytest.mark.parametrize("typed", ["", "ADU-", "ADU-12345", "ADU-1234567", "ADU-UUUUUU", "hello!"])
def test_non_codes_are_refused(typed: str) -> None:
    assert normalize(typed, "ADU") is None
