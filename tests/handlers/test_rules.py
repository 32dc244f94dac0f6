"""The rules a report's slots must meet, and the category suggestion."""

from __future__ import annotations

import pytest

from handlers.categories import suggest
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
