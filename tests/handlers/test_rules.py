"""The rules a report's slots must meet, and the category suggestion."""

from __future__ import annotations

import re

import pytest

from handlers.categories import KEYWORDS, OTHER, keyword_weight, suggest
from handlers.draft import address_problem, description_problem, name_problem, reads_as_description


@pytest.mark.parametrize(("name", "problem"), [
    ("Budi Santoso", None),
    ("  Siti   Rahmawati ", None),
    ("Ni Luh", None),
    ("", "empty"),
    ("   ", "empty"),
    ("🙂🙂", "no_letters"),
    ("12345", "no_letters"),
    ("x" * 101, "too_long"),
    ("see https://spam.example", "url"),
])
def test_names(name: str, problem: str | None) -> None:
    assert name_problem(name) == problem


@pytest.mark.parametrize(("address", "problem"), [
    ("Jl. Merdeka No. 10, RT 03/RW 05, Cipete", None),
    ("Jalan Merdeka 10", None),
    ("rumah", "too_short"),
    ("depan pasar", "too_short"),
    ("a " * 300, "too_long"),
])
def test_addresses(address: str, problem: str | None) -> None:
    assert address_problem(address) == problem


@pytest.mark.parametrize(("text", "problem"), [
    ("Jalan rusak parah sejak bulan lalu", None),
    ("jalan rusak", "too_short"),
    ("x" * 2001, "too_long"),
])
def test_descriptions(text: str, problem: str | None) -> None:
    assert description_problem(text) == problem


@pytest.mark.parametrize(("text", "is_description"), [
    ("Muhammad Rizky Pratama Putra", False),
    ("Sampah menumpuk di pinggir jalan sudah seminggu tidak diangkut", True),
])
def test_description_sent_instead_of_a_name(text: str, is_description: bool) -> None:
    assert reads_as_description(text) is is_description


@pytest.mark.parametrize(("description", "category"), [
    ("Jalan berlubang besar di depan sekolah, bahaya untuk motor", "roads"),
    ("Sampah menumpuk di TPS sudah seminggu tidak diangkut", "waste"),
    ("Banjir setiap hujan karena selokan mampet", "flooding"),
    ("Lampu jalan mati sejak sebulan, gelap sekali di malam hari", "street_lighting"),
    ("Pabrik membuang limbah ke sungai, baunya menyengat", "environment"),
    ("E-KTP saya belum jadi padahal sudah tiga bulan", "population_admin"),
    ("Bansos tidak sampai ke warga yang berhak", "social_aid"),
    ("Antrian puskesmas sangat panjang dan dokter tidak ada", "health"),
    ("Parkir liar menutup trotoar setiap sore", "public_order"),
    ("The streetlight on my road has been broken for weeks", "street_lighting"),
    ("Garbage has not been collected for ten days", "waste"),
    ("Saya ingin menyampaikan sesuatu kepada pemerintah", "other"),
])
def test_category_suggestions(description: str, category: str) -> None:
    assert suggest(description) == category


def _by_pattern(description: str) -> str:
    """The suggestion as first written: one whole-word, case-blind pattern per keyword."""
    best, best_score = OTHER, 0
    for category, words in KEYWORDS.items():
        score = sum(keyword_weight(word) for word in words
                    if re.search(rf"(?<![\w-]){re.escape(word)}(?![\w-])", description, re.IGNORECASE))
        if score > best_score:
            best, best_score = category, score
    return best


@pytest.mark.parametrize("description", [
    "Jalan-jalan ke pasar, lampu jalan mati, gelap!",
    "LAMPU JALAN mati; e-KTP hilang; gorong-gorong mampet",
    "air sungai tercemar limbah pabrik (bau busuk)",
    "jalan rusak\nberlubang di depan SDN, jalan_raya ditutup",
    "The street light and the street lamp near the bridge are out",
    "sampah-sampah di tps, tempat sampah penuh, trash everywhere",
    "Parkir liar & pedagang kaki lima di trotoar; preman minta uang",
    "nothing to see here",
])
def test_the_word_lookup_suggests_what_the_patterns_do(description: str) -> None:
    assert suggest(description) == _by_pattern(description)
