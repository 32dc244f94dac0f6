"""The public statistics from the operators' tallies equal their definition, complaint by complaint.

The definition the public page has always had: a complaint belongs to the local year it was received in;
received counts every one (published or not), completed the resolved and closed ones, in process the open
ones; the median counts `working_days_between` its receipt and `resolved_at`, weekends and holidays left
out. Each table below is filed on SQLite and PostgreSQL with the tallies kept by the triggers as it is
written, built after it was written, or not kept at all (the figures then come from the complaints).
"""

from __future__ import annotations

import statistics
from collections import Counter
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from handlers.deadlines import calendar
from handlers.period_figures import DONE, PeriodFigures
from handlers.public_stats import figures
from handlers.turn import FlowConfig
from storage.complaints import NewComplaint, file_complaint
from storage.lifecycle import OPEN
from storage.models import Agency, Complaint, Reporter
from storage.tallies import keep_tallies

ZONE = "Asia/Jakarta"
NOW = datetime(2026, 11, 20, 5, 30, tzinfo=UTC)  # a Friday, 12:30 in Jakarta
CONFIG = FlowConfig(timezone=ZONE, local_holidays=(date(2026, 10, 5),))  # a Monday
DAYS = calendar(CONFIG)
# (received, status, category, agency, resolved), times local to Jakarta.
Row = tuple[str, str, str, str | None, str | None]

SPREAD: list[Row] = [
    ("2026-02-06 16:00", "resolved", "waste", "DLH", "2026-02-09 09:00"),   # Friday to Monday: 1
    ("2026-02-13 10:00", "closed", "roads", "PUPR", "2026-02-18 15:00"),    # across Imlek
    ("2026-10-02 10:00", "closed", "waste", "DLH", "2026-10-06 10:00"),     # across the local holiday
    ("2026-03-16 23:50", "resolved", "flooding", None, "2026-03-17 00:10"),  # the same UTC day, not local
    ("2026-03-16 08:00", "resolved", "waste", "DLH", "2026-03-16 17:00"),   # the same day: 0
    ("2026-01-01 00:30", "resolved", "waste", "DLH", "2026-01-02 08:00"),   # this year, in Jakarta only
    ("2026-05-04 09:00", "resolved", "roads", "PUPR", None),                # no resolution time
    ("2026-05-05 09:00", "reopened", "roads", "PUPR", None),
    ("2026-06-01 09:00", "in_progress", "waste", "DLH", None),
    ("2026-06-02 09:00", "needs_info", "health", None, None),
    ("2026-07-01 09:00", "archived", "other", None, None),
    ("2026-11-20 10:00", "received", "waste", None, None),                  # this morning
    ("2025-12-31 23:30", "verified", "waste", "DLH", None),                 # last year, in Jakarta
    ("2025-03-27 10:00", "resolved", "waste", "DLH", "2025-04-10 10:00"),   # across Idul Fitri
    ("2025-08-15 10:00", "closed", "roads", "PUPR", "2025-08-19 10:00"),    # across 17 August
    ("2025-09-01 10:00", "archived", "waste", None, None),
    ("2024-06-14 10:00", "closed", "waste", "DLH", "2024-06-19 10:00"),     # earlier: Idul Adha
    ("2023-02-01 10:00", "resolved", "roads", "PUPR", "2023-03-01 10:00"),
    ("2023-02-02 10:00", "received", "health", None, None),
]
EVEN: list[Row] = [  # two resolved: the median is the mean of the middle two
    ("2026-02-02 10:00", "resolved", "waste", "DLH", "2026-02-03 10:00"),
    ("2026-02-02 10:00", "resolved", "waste", "PUPR", "2026-02-04 10:00"),
]
OPEN_ONLY: list[Row] = [("2026-04-01 10:00", "received", "waste", None, None),
                        ("2025-04-01 10:00", "verified", "roads", None, None)]
TABLES = {"spread": SPREAD, "even": EVEN, "open only": OPEN_ONLY, "nothing": []}


def local(text: str) -> datetime:
    """A Jakarta time as an aware datetime."""
    return datetime.fromisoformat(text).replace(tzinfo=ZoneInfo(ZONE))


def file_rows(engine: Engine, rows: list[Row]) -> None:
    """The complaints of the table, filed and then moved to their status as the flows would."""
    with Session(engine) as session:
        agencies = {code: Agency(code=code, name=code) for code in ("DLH", "PUPR")}
        reporter = Reporter(channel="telegram", external_id="1", chat_id="1", locale="id")
        session.add_all([*agencies.values(), reporter])
        session.flush()
        for received, status, category, agency, resolved in rows:
            filed = file_complaint(session.connection(), reporter=reporter, prefix="ADU", now=local(received),
                                   report=NewComplaint(
                name="Siti Aminah", address="Jl. Merdeka 1", latitude=None, longitude=None,
                location_source=None, description="Sampah menumpuk di pinggir jalan sejak seminggu",
                category=category, privacy="public", photos=[]))
            complaint = session.get(Complaint, filed.id)
            assert complaint is not None
            complaint.status = status
            complaint.agency_id = None if agency is None else agencies[agency].id
            complaint.resolved_at = None if resolved is None else local(resolved)
            session.add(complaint)
        session.commit()


def defined(engine: Engine) -> dict[str, PeriodFigures]:
    """The figures by the public page's definition, from each complaint in Python."""
    this_year, last_year = local("2026-01-01 00:00"), local("2025-01-01 00:00")
    with Session(engine) as session:
        complaints = list(session.exec(select(Complaint)))
        codes = {a.id: a.code for a in session.exec(select(Agency))}
    periods = {"this_year": [c for c in complaints if c.created_at >= this_year],
               "last_year": [c for c in complaints if last_year <= c.created_at < this_year],
               "all_time": complaints}
    result = {}
    for name, chosen in periods.items():
        spans = [DAYS.working_days_between(c.created_at, c.resolved_at) for c in chosen
                 if c.status in DONE and c.resolved_at is not None]
        categories = Counter(c.category for c in chosen)
        agencies = Counter(None if c.agency_id is None else codes[c.agency_id] for c in chosen)
        result[name] = PeriodFigures(
            received=len(chosen), completed=sum(c.status in DONE for c in chosen),
            in_process=sum(c.status in OPEN for c in chosen),
            archived=sum(c.status == "archived" for c in chosen),
            median_days=statistics.median(spans) if spans else None,
            by_category=sorted(categories.items(), key=lambda item: (-item[1], item[0])),
            by_agency=sorted(agencies.items(), key=lambda item: (-item[1], item[0] or "")))
    return result


@pytest.mark.parametrize("tallies", ["kept while filed", "built after", "not kept"])
@pytest.mark.parametrize("table", TABLES)
def test_the_figures_equal_the_public_definition(both_databases: Engine, table: str, tallies: str) -> None:
    if tallies == "kept while filed":
        assert keep_tallies(both_databases, timezone=ZONE, is_working_day=DAYS.is_working_day)
    file_rows(both_databases, TABLES[table])
    if tallies == "built after":
        assert keep_tallies(both_databases, timezone=ZONE, is_working_day=DAYS.is_working_day)
    with both_databases.connect() as connection:
        computed = figures(connection, now=NOW, timezone=ZONE, days=DAYS)
    assert computed == defined(both_databases)


def test_the_spread_table_covers_each_period_holidays_and_the_time_zone() -> None:
    """The table above can tell a wrong count apart: what each of its rows is there for holds."""
    def worked(received: str, resolved: str) -> int:
        return DAYS.working_days_between(local(received), local(resolved))

    assert worked("2026-02-06 16:00", "2026-02-09 09:00") == 1  # the weekend does not count
    assert worked("2026-10-02 10:00", "2026-10-06 10:00") == 1  # nor does the local holiday
    assert worked("2025-03-27 10:00", "2025-04-10 10:00") < 9  # Idul Fitri: fewer than the 10 weekdays
    assert worked("2026-03-16 23:50", "2026-03-17 00:10") == 1  # one local day later
    late, early = local("2026-03-16 23:50"), local("2026-03-17 00:10")
    assert late.astimezone(UTC).date() == early.astimezone(UTC).date()
    assert local("2026-01-01 00:30").astimezone(UTC).year == 2025
    years = Counter(received[:4] for received, *_rest in SPREAD)
    assert years["2026"] > 3 and years["2025"] > 3 and years["2024"] + years["2023"] > 2


def test_a_period_s_figures_from_tallies_as_the_page_shows_them(both_databases: Engine) -> None:
    assert keep_tallies(both_databases, timezone=ZONE, is_working_day=DAYS.is_working_day)
    file_rows(both_databases, SPREAD)
    with both_databases.connect() as connection:
        last = figures(connection, now=NOW, timezone=ZONE, days=DAYS)["last_year"]
    idul_fitri = DAYS.working_days_between(local("2025-03-27 10:00"), local("2025-04-10 10:00"))
    august = DAYS.working_days_between(local("2025-08-15 10:00"), local("2025-08-19 10:00"))
    assert (last.received, last.completed, last.in_process, last.archived) == (4, 2, 1, 1)
    assert last.completed_pct == 50.0 and last.median_days == (idul_fitri + august) / 2
    assert last.by_category == [("waste", 3), ("roads", 1)]
    assert last.by_agency == [("DLH", 2), (None, 1), ("PUPR", 1)]
