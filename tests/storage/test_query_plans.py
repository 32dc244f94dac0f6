"""Every operator view, producer scan, public page and Open311 read goes through an index, complaints in index
order.

The real commands and producers run against a seeded database while every statement they send is
recorded; each recorded statement is then explained (SQLite: EXPLAIN QUERY PLAN; PostgreSQL: EXPLAIN with
sequential scans and sorts priced out, so a plan has them only when no index can serve). A plan that
scans a large table without an index, or sorts the complaint table's rows, fails the test.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import aiohttp
import pytest
import sqlalchemy as sa
from public_helpers import serving, site
from sqlalchemy.engine import Engine
from sqlmodel import Session

from bench.seed import Seeded, seed
from handlers.deadlines import calendar
from handlers.engine import Conversations
from handlers.turn import FlowConfig
from helpers import Resident
from scheduler.producers import DraftTimes, run_producers
from storage.media import MediaStore
from storage.outbox import claim_due, release_expired_leases
from storage.tallies import keep_tallies

NOW = datetime(2026, 11, 20, 3, 0, tzinfo=UTC)
READS_COMPLAINT = re.compile(r"\b(FROM|JOIN|UPDATE)\s+complaint\b", re.IGNORECASE)
# Tables that grow with the number of complaints: none of them may be read in full.
LARGE = ("complaint|statuschange|photo|outbox|reporter|conversation|processedevent|sentmessage|"
         "complainttally|resolutiontally|areatally|ratingtally")


@contextmanager
def recorded(engine: Engine) -> Iterator[list[tuple[str, Any]]]:
    """Every single-row statement the engine sends meanwhile, with its parameters."""
    statements: list[tuple[str, Any]] = []

    def record(_conn: Any, _cursor: Any, statement: str, parameters: Any, _context: Any,
               executemany: bool) -> None:
        if not executemany and statement.lstrip().upper().startswith(("SELECT", "UPDATE", "DELETE", "WITH")):
            statements.append((statement, parameters))

    sa.event.listen(engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        sa.event.remove(engine, "before_cursor_execute", record)


def problems(engine: Engine, statement: str, parameters: Any) -> list[str]:
    """What is wrong with the statement's plan on the complaint table (nothing when it uses indexes)."""
    raw = engine.raw_connection()
    try:
        cursor = raw.cursor()
        if engine.dialect.name == "postgresql":
            cursor.execute("SET enable_seqscan = off")
            cursor.execute("SET enable_sort = off")
            cursor.execute("EXPLAIN " + statement, parameters or None)
            plan = [row[0] for row in cursor.fetchall()]
            bad = [line for line in plan if re.search(rf"Seq Scan on ({LARGE})\b", line)]
            if READS_COMPLAINT.search(statement):
                bad += [line for line in plan if re.match(r"\s*(->\s+)?(Incremental )?Sort\b", line)]
        else:
            cursor.execute("EXPLAIN QUERY PLAN " + statement, parameters)
            plan = [row[3] for row in cursor.fetchall()]
            bad = [line for line in plan if re.fullmatch(rf"SCAN ({LARGE})", line)]
            if READS_COMPLAINT.search(statement):
                bad += [line for line in plan if re.match(r"USE TEMP B-TREE FOR (ORDER BY|.*DISTINCT)", line)]
        raw.rollback()
        return [f"{line}  <-  {' '.join(statement.split())[:300]}" for line in bad]
    finally:
        raw.close()


async def operators_at_work(engine: Engine, seeded: Seeded, tmp_path: Path) -> None:
    """The admin desk, an agency operator and a resident use every view once; the producers run."""
    conversations = Conversations(engine=engine, config=FlowConfig(), media=MediaStore(tmp_path / "media"),
                                  clock=lambda: NOW)
    desk = Resident(conversations, "9000", profile_name="Desk", language_code="en", channel="telegram")
    dlh = Resident(conversations, "9001", profile_name="Rina", language_code="en", channel="telegram")
    code = seeded.sample_codes[-1]
    for operator in (desk, dlh):
        for command in ("/antrian", "/antrian verified", "/statistik", "/statistik semua", "/statistik 2025",
                        "/statistik 2026-08", "/statistik 30d", f"/lihat {code}"):
            await operator.say(command)
            assert operator.last, command
        await operator.say("/antrian")
        if any(b.data.startswith("opq:") for r in operator.last for row in r.buttons for b in row):
            await operator.press("opq:all:1")
    resident = Resident(conversations, str(700_000 + seeded.sample_reporters[3]), channel="telegram")
    await resident.say("/status")
    await resident.say(f"/status {code}")
    await resident.say("Apakah sudah ada kabar tentang laporan saya?")
    run_producers(engine, now=NOW, config=FlowConfig(), drafts=DraftTimes(), delete_file=lambda _p: None)
    with Session(engine) as session:
        claim_due(session, now=NOW, lease_until=NOW + timedelta(minutes=1), limit=50)
        release_expired_leases(session, now=NOW + timedelta(hours=1))
        session.commit()


async def test_no_operator_or_producer_query_scans_or_sorts_the_complaint_table(
        both_databases: Engine, tmp_path: Path) -> None:
    # SQLite without planner statistics, as Aduan's own databases are (PostgreSQL analyzes by itself).
    seeded = seed(both_databases, complaints=3000, now=NOW, analyze=False)
    config = FlowConfig()
    working = calendar(config).is_working_day
    assert keep_tallies(both_databases, timezone=config.timezone, is_working_day=working)
    with recorded(both_databases) as statements:
        await operators_at_work(both_databases, seeded, tmp_path)
    on_complaints = [s for s, _p in statements if READS_COMPLAINT.search(s)]
    assert len(on_complaints) > 30, "the views did not run"
    found = [p for statement, params in statements for p in problems(both_databases, statement, params)]
    assert found == []


@pytest.mark.parametrize("statement", [
    "SELECT id FROM complaint WHERE description LIKE 'Sampah%'",
    "SELECT id FROM complaint WHERE status = 'received' ORDER BY updated_at LIMIT 10",
])
def test_the_check_sees_a_full_scan_and_a_sort(both_databases: Engine, statement: str) -> None:
    seed(both_databases, complaints=200, now=NOW)
    assert problems(both_databases, statement, ())


# Every kind of public page and Open311 read; the statistics, read from the tallies, after them.
PUBLIC_PATHS = [
    "/laporan", "/laporan?kategori=waste", "/laporan?status=needs_info", "/laporan?instansi=DLH",
    "/laporan?kelurahan=Serua", "/laporan?cari=merdeka", "/laporan?status=verified&instansi=PUPR",
    "/laporan?kategori=roads&kelurahan=Serua&status=closed", "/laporan?cari=merdeka&kategori=waste",
    "/laporan?sebelum={code}", "/laporan?sesudah={code}&kategori=waste", "/laporan?sebelum={code}&cari=jl.",
    "/laporan/{code}", "/open311/v2/requests.json", "/open311/v2/requests.json?status=open",
    "/open311/v2/requests.xml?service_code=roads,waste&status=closed",
    "/open311/v2/requests.json?start_date=2026-09-01T00:00:00Z&end_date=2026-10-01T00:00:00Z",
    "/open311/v2/requests.json?service_request_id={code},ADU-ZZZZZZ", "/open311/v2/requests/{code}.json",
]


async def test_no_public_page_or_open311_read_scans_or_sorts_the_complaint_table(
        both_databases: Engine, tmp_path: Path) -> None:
    seeded = seed(both_databases, complaints=3000, now=NOW, analyze=False)
    with both_databases.begin() as connection:  # verified ones are published, with their kelurahan
        connection.execute(sa.text(
            "UPDATE complaint SET published_at = updated_at, kelurahan = CASE WHEN id % 2 = 0 THEN 'Serua' "
            "ELSE 'Ciputat' END WHERE status <> 'received' AND privacy <> 'confidential'"))
    if both_databases.dialect.name == "postgresql":
        with both_databases.connect() as connection:
            connection.execute(sa.text("ANALYZE complaint"))
            connection.commit()
    working = calendar(FlowConfig()).is_working_day
    assert keep_tallies(both_databases, timezone=FlowConfig().timezone, is_working_day=working)
    code = seeded.sample_codes[-1]
    public = site(both_databases, tmp_path / "media", requests_per_minute=10_000, list_cache_seconds=0,
                  clock=lambda: NOW)
    async with serving(public) as root, aiohttp.ClientSession() as http:
        with recorded(both_databases) as statements:
            for path in PUBLIC_PATHS:
                async with http.get(root + path.format(code=code)) as response:
                    assert response.status in (200, 404), path
        with recorded(both_databases) as figures:
            for path in ("/statistik", "/statistik?lang=en"):
                async with http.get(root + path) as response:
                    assert response.status == 200, path
    on_complaints = [s for s, _p in statements if READS_COMPLAINT.search(s)]
    assert len(on_complaints) >= len(PUBLIC_PATHS), "the pages did not run"
    assert len(figures) >= 12 and not [s for s, _p in figures if READS_COMPLAINT.search(s)]
    found = [p for statement, params in statements + figures
             for p in problems(both_databases, statement, params)]
    assert found == [], '\n'.join(found)
