"""The public list at length: paging by plain links that hold the report they follow, the kelurahan chosen
from a list, the street search, on SQLite and PostgreSQL."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from html import unescape
from pathlib import Path

import aiohttp
import pytest
from public_helpers import get, serving, site
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from storage.complaints import NewComplaint, file_complaint
from storage.models import Complaint, Reporter
from storage.privacy import erase_reporter

NOW = datetime.now(UTC).replace(microsecond=0)
STREETS = ["Jl. Merdeka", "Jl. Kenanga", "Gg. Melati"]
KELURAHAN = ["Ciputat", "Serua", "Pondok Aren"]
COUNT = 45


def publish(engine: Engine, count: int) -> list[str]:
    """`count` reports filed an hour apart and published later (as verifying does), oldest first."""
    codes = []
    with Session(engine) as session:
        for n in range(count):
            reporter = Reporter(channel="telegram", external_id=str(n), chat_id=str(n), locale="id")
            session.add(reporter)
            session.flush()
            at = NOW - timedelta(hours=count - n)
            report = NewComplaint(
                name=f"Warga {n}", address=f"{STREETS[n % 3]} {n}, RT 01/RW 02", latitude=None,
                longitude=None, location_source=None, category="waste", photos=[],
                description=f"Laporan nomor {n} tentang sampah yang menumpuk",
                privacy="anonymous" if n == 7 else "public", kelurahan=KELURAHAN[n % 3])
            complaint = file_complaint(session.connection(), reporter=reporter, prefix="ADU", now=at,
                                       report=report)
            stored = session.get(Complaint, complaint.id)
            assert stored is not None
            stored.status, stored.published_at = "verified", at + timedelta(minutes=30)
            session.add(stored)
            codes.append(complaint.code)
        session.commit()
    return codes


@pytest.fixture
async def listing(both_databases: Engine, tmp_path: Path) -> AsyncIterator[tuple[str, list[str]]]:
    codes = publish(both_databases, COUNT)
    async with serving(site(both_databases, tmp_path / "media")) as root:
        yield root, codes


async def visit(url: str) -> tuple[list[str], dict[str, str], str]:
    """The codes listed, the newer/older links (as a reader's browser would follow them), and the page."""
    async with aiohttp.ClientSession() as http:
        status, _type, html = await get(http, url)
    assert status == 200
    links = {rel: unescape(href) for href, rel in re.findall(r'<a href="([^"]+)" rel="(prev|next)"', html)}
    return re.findall(r'class="code">(ADU-\w+)<', html), links, html


async def test_older_and_newer_links_page_through_every_report(listing: tuple[str, list[str]]) -> None:
    root, codes = listing
    newest_first = codes[::-1]
    first, links, _html = await visit(f"{root}/laporan?kategori=waste")
    assert first == newest_first[:20] and set(links) == {"next"}
    assert "kategori=waste" in links["next"]  # the filters are kept
    second, links, _html = await visit(root + links["next"])
    assert second == newest_first[20:40] and set(links) == {"prev", "next"}
    third, links, _html = await visit(root + links["next"])
    assert third == newest_first[40:] and set(links) == {"prev"}
    back, links, _html = await visit(root + links["prev"])
    assert back == second
    top, links, _html = await visit(root + links["prev"])
    assert top == first and set(links) == {"next"}
    # A link into the middle (as kept in a bookmark) starts after the report it names.
    middle, _links, _html = await visit(f"{root}/laporan?sebelum={codes[10]}")
    assert middle == newest_first[COUNT - 10:]


async def test_the_kelurahan_is_chosen_from_those_with_reports(listing: tuple[str, list[str]]) -> None:
    root, codes = listing
    _codes, _links, html = await visit(f"{root}/laporan")
    options = re.findall(r'<option value="([^"]*)"', html.split('name="kelurahan"')[1].split("</select>")[0])
    assert options == ["", "Ciputat", "Pondok Aren", "Serua"]
    found, _links, html = await visit(f"{root}/laporan?kelurahan=Pondok+Aren")
    assert found == [code for n, code in enumerate(codes) if n % 3 == 2][::-1][:20]
    assert '<option value="Pondok Aren" selected>' in html


async def test_the_street_search_finds_text_anywhere_in_the_address(listing: tuple[str, list[str]]) -> None:
    root, codes = listing
    found, _links, html = await visit(f"{root}/laporan?cari=kenanga+1")
    # "Jl. Kenanga 1", 10, 13, 16 and 19; not 7: that report is anonymous, its address is not searched.
    assert found == [codes[n] for n in (1, 10, 13, 16, 19)][::-1]
    assert 'value="kenanga 1"' in html
    assert (await visit(f"{root}/laporan?cari=MELATI+44"))[0] == [codes[44]]
    assert (await visit(f"{root}/laporan?cari=kenanga+7"))[0] == []
    assert (await visit(f"{root}/laporan?cari=tidak+ada"))[0] == []


async def test_too_short_a_search_says_so_and_lists_everything(listing: tuple[str, list[str]]) -> None:
    root, codes = listing
    found, _links, html = await visit(f"{root}/laporan?cari=jl&lang=en")
    assert "Type at least 3 letters" in html and found == codes[::-1][:20]


async def test_an_erased_or_unpublished_report_is_no_longer_found(listing: tuple[str, list[str]],
                                                                  both_databases: Engine) -> None:
    root, codes = listing
    assert (await visit(f"{root}/laporan?cari=kenanga+43"))[0] == [codes[43]]
    with Session(both_databases) as session:
        erased = session.exec(select(Complaint).where(Complaint.code == codes[44])).one()
        reporter_id = erased.reporter_id
        made_anonymous = session.exec(select(Complaint).where(Complaint.code == codes[43])).one()
        made_anonymous.privacy = "anonymous"
        session.add(made_anonymous)
        session.commit()
    with both_databases.begin() as connection:
        assert erase_reporter(connection, reporter_id=reporter_id, now=NOW, reason="request",
                              actor="resident") is not None
    assert (await visit(f"{root}/laporan?cari=melati+44"))[0] == []
    assert (await visit(f"{root}/laporan?cari=kenanga+43"))[0] == []


async def test_without_its_triggers_the_search_reads_the_addresses(listing: tuple[str, list[str]],
                                                                   both_databases: Engine) -> None:
    root, codes = listing
    if both_databases.dialect.name == "sqlite":  # as a migration rebuilding the table would leave it
        with both_databases.begin() as connection:
            connection.exec_driver_sql("DROP TRIGGER complaint_search_update")
    with Session(both_databases) as session:
        moved = session.exec(select(Complaint).where(Complaint.code == codes[40])).one()
        moved.address = "Jl. Anggrek 5, RT 01/RW 02"
        session.add(moved)
        session.commit()
    assert (await visit(f"{root}/laporan?cari=anggrek"))[0] == [codes[40]]
    assert (await visit(f"{root}/laporan?cari=kenanga+40"))[0] == []
