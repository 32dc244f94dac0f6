"""The public pages over HTTP: what is listed, filtered, shown and counted, in which language, cacheable,
and never a reporter's personal data."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import aiohttp
import pytest
from public_helpers import (
    ANONYMOUS_ADDRESS,
    CONFIDENTIAL_TEXT,
    PRIVATE_NOTE,
    SECRET_CHATS,
    SECRET_NAMES,
    UNVERIFIED_TEXT,
    Seeded,
    get,
    seed,
    serving,
    site,
)
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from handlers.workdays import WorkCalendar
from storage.complaints import NewComplaint, file_complaint
from storage.media import MediaStore
from storage.models import Agency, Complaint, Reporter
from storage.privacy import erase_reporter
from storage.tallies import keep_tallies


@pytest.fixture
async def server(engine: Engine, tmp_path: Path) -> AsyncIterator[tuple[str, Seeded]]:
    seeded = seed(engine, MediaStore(tmp_path / "media"))
    async with serving(site(engine, tmp_path / "media")) as root:
        yield root, seeded


async def page(url: str, **headers: str) -> tuple[int, str]:
    async with aiohttp.ClientSession() as http:
        status, content_type, body = await get(http, url, **headers)
    assert content_type == "text/html" or status == 404
    return status, body


async def test_the_list_shows_published_reports_newest_first(server: tuple[str, Seeded]) -> None:
    root, seeded = server
    status, html = await page(f"{root}/laporan")
    assert status == 200
    codes = re.findall(r'class="code">(ADU-\w+)<', html)
    assert codes == [seeded.anonymous, seeded.public, seeded.resolved]


@pytest.mark.parametrize(("query", "expected"), [
    ("kategori=waste", ["public"]),
    ("status=resolved", ["resolved"]),
    ("instansi=pupr", ["resolved"]),
    ("kelurahan=Ciputat", ["public", "resolved"]),
    ("kelurahan=ciputat", ["public", "resolved"]),  # a kelurahan from the list, in any case
    ("kelurahan=pamulang", ["anonymous"]),  # its kelurahan is no more than its rounded place tells
    ("kelurahan=serua", []),  # the confidential report's kelurahan is not even in the list
    ("cari=pamulang", []),  # the anonymous report's address is not public, so it cannot be searched
    ("cari=Merdeka", ["public"]),
    ("cari=kel.+ciputat", ["public", "resolved"]),
    ("kategori=waste&status=resolved", []),
    ("kategori=nonsense", ["anonymous", "public", "resolved"]),
])
async def test_filters(server: tuple[str, Seeded], query: str, expected: list[str]) -> None:
    root, seeded = server
    _status, html = await page(f"{root}/laporan?{query}")
    assert re.findall(r'class="code">(ADU-\w+)<', html) == [getattr(seeded, name) for name in expected]


async def test_a_report_page_has_history_public_notes_agency_dates_photo_and_map(
        server: tuple[str, Seeded]) -> None:
    root, seeded = server
    status, html = await page(f"{root}/laporan/{seeded.public.lower()}?lang=en")
    assert status == 200
    for text in (seeded.public, "Waste", "In progress", "Dinas Lingkungan Hidup", "Petugas dijadwalkan besok",
                 "Diteruskan ke instansi terkait", "Jl. Merdeka 1", f"/laporan/{seeded.public}/foto.jpg",
                 'data-lat="-6.3123456"', "/static/leaflet/leaflet.js", "Open in OpenStreetMap"):
        assert text in html, text
    assert PRIVATE_NOTE not in html
    async with aiohttp.ClientSession() as http, http.get(f"{root}/laporan/{seeded.public}/foto.jpg") as photo:
        assert photo.status == 200 and photo.content_type == "image/jpeg"
        assert (await photo.read())[:2] == b"\xff\xd8"


async def test_unpublished_reports_do_not_exist_publicly(server: tuple[str, Seeded]) -> None:
    root, seeded = server
    for code in (seeded.confidential, seeded.unverified, "ADU-ZZZZZZ", "nonsense"):
        status, html = await page(f"{root}/laporan/{code}")
        assert status == 404 and "Laporan tidak ditemukan" in html
        async with aiohttp.ClientSession() as http, http.get(f"{root}/laporan/{code}/foto.jpg") as photo:
            assert photo.status == 404


@pytest.mark.parametrize(("query", "accept", "expected"), [
    ("", "", "id"), ("", "en-US,en;q=0.9", "en"), ("", "fr, en;q=0.5", "en"), ("", "ms", "id"),
    ("?lang=id", "en", "id"), ("?lang=en", "id", "en"), ("?lang=xx", "en", "en"), ("", "en;q=0, id", "id"),
])
async def test_the_language_follows_lang_then_accept_language(server: tuple[str, Seeded], query: str,
                                                               accept: str, expected: str) -> None:
    root, _seeded = server
    headers = {"Accept-Language": accept} if accept else {}
    async with aiohttp.ClientSession() as http, \
            http.get(f"{root}/statistik{query}", headers=headers) as response:
        html = await response.text()
        assert response.headers["Content-Language"] == expected
        assert response.headers["Cache-Control"] == "public, max-age=60"
        assert "Accept-Language" in response.headers["Vary"]
    assert f'<html lang="{expected}">' in html
    assert ("This year" if expected == "en" else "Tahun ini") in html


async def test_no_page_shows_personal_data_of_any_report(server: tuple[str, Seeded]) -> None:
    root, seeded = server
    urls = [f"{root}/laporan", f"{root}/statistik", f"{root}/laporan?lang=en&kelurahan=a"]
    urls += [f"{root}/laporan/{getattr(seeded, name)}" for name in ("public", "anonymous", "confidential",
                                                                     "unverified", "resolved")]
    html = "\n".join([(await page(url))[1] for url in urls])
    for secret in (*SECRET_NAMES, *SECRET_CHATS, PRIVATE_NOTE, CONFIDENTIAL_TEXT, UNVERIFIED_TEXT,
                   ANONYMOUS_ADDRESS, "-6.3456789", "106.7123456"):
        assert secret not in html, secret
    assert 'data-lat="-6.346"' in html  # the anonymous report's place, rounded


async def test_an_erased_resident_s_report_leaves_the_public_pages(server: tuple[str, Seeded],
                                                                    engine: Engine) -> None:
    root, seeded = server
    with Session(engine) as session:
        complaint = session.exec(select(Complaint).where(Complaint.code == seeded.public)).one()
    with engine.begin() as connection:
        assert erase_reporter(connection, reporter_id=complaint.reporter_id, now=datetime.now(UTC),
                              reason="request", actor="resident") is not None
    status, _html = await page(f"{root}/laporan/{seeded.public}")
    _status, listing = await page(f"{root}/laporan?lang=en")
    assert status == 404 and seeded.public not in listing and seeded.anonymous in listing


def _file(session: Session, reporter: Reporter, at: datetime, **columns: object) -> None:
    complaint = file_complaint(session.connection(), reporter=reporter, prefix="ADU", now=at,
                               report=NewComplaint(
        name="Siti Aminah", address="Jl. Merdeka 1, RT 02/RW 03", latitude=None, longitude=None,
        location_source=None, description="Sampah menumpuk di pinggir jalan sejak seminggu",
        category=str(columns.pop("category", "waste")), privacy=str(columns.pop("privacy", "public")),
        photos=[]))
    stored = session.get(Complaint, complaint.id)
    assert stored is not None
    for name, value in columns.items():
        setattr(stored, name, value)
    session.add(stored)


STATS_NOW = datetime(2026, 11, 20, 5, 30, tzinfo=UTC)  # 12:30 in Jakarta


def _figures(html: str, period: str) -> dict[str, str]:
    section = html.split(f'id="{period}"')[1].split("</section>")[0]
    return dict(re.findall(r'<dd class="([\w-]+)">([^<]*)</dd>', section))


async def test_statistics_for_this_year_last_year_and_all_time(engine: Engine, tmp_path: Path) -> None:
    zone = ZoneInfo("Asia/Jakarta")
    start = datetime(2026, 1, 1, tzinfo=zone)
    monday = datetime(2026, 2, 9, tzinfo=zone)
    calendar = WorkCalendar("Asia/Jakarta")
    assert keep_tallies(engine, timezone="Asia/Jakarta", is_working_day=calendar.is_working_day)
    with Session(engine) as session:
        agency = Agency(code="DLH", name="Dinas Lingkungan Hidup")
        reporter = Reporter(channel="telegram", external_id="1", chat_id="1", locale="id")
        session.add_all([agency, reporter])
        session.flush()
        at = monday + timedelta(hours=9)
        _file(session, reporter, at)
        _file(session, reporter, at, status="resolved", resolved_at=at + timedelta(days=2),
              agency_id=agency.id)
        _file(session, reporter, at, status="closed", resolved_at=at + timedelta(days=9), agency_id=agency.id,
              category="roads")
        _file(session, reporter, at, status="archived")
        _file(session, reporter, at, status="in_progress", privacy="confidential", agency_id=agency.id)
        _file(session, reporter, start - timedelta(days=40), status="resolved",
              resolved_at=start - timedelta(days=20))
        _file(session, reporter, start - timedelta(days=400))
        session.commit()
    two = calendar.working_days_between(at, at + timedelta(days=2))
    nine = calendar.working_days_between(at, at + timedelta(days=9))
    last = calendar.working_days_between(start - timedelta(days=40), start - timedelta(days=20))
    async with serving(site(engine, tmp_path / "media", clock=lambda: STATS_NOW)) as root:
        status, html = await page(f"{root}/statistik?lang=en")
    assert status == 200
    assert _figures(html, "this_year") == {"received": "5", "completed": "2 (40.0%)", "in-process": "2",
                                           "archived": "1", "median": f"{(two + nine) / 2:g}"}
    assert _figures(html, "last_year") == {"received": "1", "completed": "1 (100.0%)", "in-process": "0",
                                           "archived": "0", "median": f"{last:g}"}
    assert _figures(html, "all_time")["received"] == "7"
    this_year = html.split('id="this_year"')[1].split("</section>")[0]
    assert re.search(r"Waste</th><td>4<", this_year) and re.search(r"DLH</th><td>3<", this_year)
    assert "Not yet forwarded</th><td>2<" in this_year
    assert "Updated 20 Nov 2026, 12:30" in html and "Siti Aminah" not in html


async def test_the_statistics_are_current_at_each_request(engine: Engine, tmp_path: Path) -> None:
    calendar = WorkCalendar("Asia/Jakarta")
    assert keep_tallies(engine, timezone="Asia/Jakarta", is_working_day=calendar.is_working_day)
    with Session(engine) as session:
        reporter = Reporter(channel="telegram", external_id="1", chat_id="1", locale="id")
        session.add(reporter)
        session.flush()
        _file(session, reporter, STATS_NOW - timedelta(days=3))
        session.commit()
    # With the figures read again at each request (by default they are used again for a few seconds).
    async with serving(site(engine, tmp_path / "media", clock=lambda: STATS_NOW,
                            statistics_seconds=0)) as root:
        _status, before = await page(f"{root}/statistik?lang=en")
        with Session(engine) as session:
            reporter = session.exec(select(Reporter)).one()
            _file(session, reporter, STATS_NOW - timedelta(minutes=5), status="resolved",
                  resolved_at=STATS_NOW - timedelta(minutes=1))
            session.commit()
        _status, after = await page(f"{root}/statistik?lang=en")
    assert _figures(before, "this_year")["received"] == "1" and _figures(before, "this_year")["median"] == "-"
    assert _figures(after, "this_year") == {"received": "2", "completed": "1 (50.0%)", "in-process": "1",
                                            "archived": "0", "median": "0"}
    assert _figures(after, "all_time")["received"] == "2"
