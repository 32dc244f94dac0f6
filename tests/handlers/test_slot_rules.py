"""The rules a typed value must meet for its slot, and when a text plainly belongs to another slot."""

from __future__ import annotations

import pytest

from handlers.draft import location_problem, name_problem, reads_as_address, reads_as_description

NAMES = [
    ("Budi Santoso", None),
    ("Siti Nur'aini, S.H.", None),
    ("Dr. H. Muhammad Yusuf", None),
    ("Ana-Maria O’Neil", None),
    ("Ni Made Ayu Kusuma Dewi", None),
    ("Élise Müller", None),
    ("   ", "empty"),
    ("B", "too_short"),
    ("🙂🙂", "no_letters"),
    ("A" * 61, "too_long"),
    ("Budi 2", "characters"),
    ("<b>Budi</b>", "characters"),
    ("*Santoso*", "characters"),
    ("Budi www.evil.example", "url"),
    ("kategori", "command"),
    ("Yes", "command"),
    ("ya.", "command"),
    ("KIRIM", "command"),
    ("terima kasih", "command"),
    ("Jalan rusak parah di sini", "sentence"),
    ("Apa kabar?", "sentence"),
    ("satu dua tiga empat lima enam tujuh", "sentence"),
    ("Saya mau menambahkan informasi", "sentence"),
]


@pytest.mark.parametrize(("text", "problem"), NAMES, ids=[n[0][:20] for n in NAMES])
def test_what_a_name_may_be(text: str, problem: str | None) -> None:
    assert name_problem(text) == problem


OTHER_SLOTS = [
    # (text, plainly a description, plainly an address)
    ("Sampah menumpuk di pinggir jalan sejak seminggu", True, False),
    ("Jalan rusak parah di sini dan berbahaya", True, False),
    ("<b>Budi</b> *Santoso* _x_ [x](http://evil.example) & <i>", False, False),
    ("Budi Santoso", False, False),
    ("Lampu jalan mati", False, False),  # too short for a description: answers the name question
    ("Jl. Merdeka No. 10, RT 03/RW 05, Cipete", True, True),
    ("Gang Mawar 3, Kel. Cipete Utara", True, True),  # at the name question the address wins
    ("Jalan berlubang di Jl. Merdeka No. 10 sejak kemarin", True, False),
]


@pytest.mark.parametrize(("text", "description", "address"), OTHER_SLOTS,
                         ids=[o[0][:20] for o in OTHER_SLOTS])
def test_when_a_text_plainly_is_another_slot(text: str, description: bool, address: bool) -> None:
    assert (reads_as_description(text), reads_as_address(text)) == (description, address)


@pytest.mark.parametrize(("latitude", "longitude", "problem"), [
    (-6.2884, 106.7179, None), (90.0, 180.0, None), (-90.0, -180.0, None), (0.0, 106.7, None),
    (95.0, 200.0, "off_the_map"), (-90.01, 0.0, "off_the_map"), (0.0, 180.5, "off_the_map"),
    (float("nan"), 1.0, "off_the_map"), (1.0, float("inf"), "off_the_map"), (0.0, 0.0, "null_island"),
])
def test_which_positions_are_possible(latitude: float, longitude: float, problem: str | None) -> None:
    assert location_problem(latitude, longitude) == problem
