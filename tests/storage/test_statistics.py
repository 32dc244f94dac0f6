"""/statistik's SQL figures equal the definition they replace: each complaint loaded and counted in Python.

With tallies (kept by triggers through real writes after they were built) and without them (counted from
the complaints), on SQLite and PostgreSQL, in time zones with and without daylight saving time.
"""

from __future__ import annotations

import statistics
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy.engine import Connection, Engine
from sqlmodel import Session, col, select

from bench.seed import seed
from handlers.deadlines import refresh_deadlines
from handlers.period_figures import median_working_days
from handlers.turn import FlowConfig
from handlers.workdays import WorkCalendar
from storage.complaints import NewComplaint, file_complaint
from storage.lifecycle import change_status
from storage.models import Complaint, ComplaintStatus, Reporter, StatusChange
from storage.statistics import Resolutions, Scope, areas, ratings, resolutions, tally
from storage.tallies import drop_triggers, fixed_offset_minutes, keep_tallies, kept_in

NOW = datetime(2026, 11, 20, 5, 30, tzinfo=UTC)
AREAS = [("Menteng", "Menteng"), ("Cikini", "Menteng"), ("Gambir", "Gambir"), (None, None)]
HOLIDAYS = [date(2026, 10, 5), date(2025, 6, 2)]
DONE = {ComplaintStatus.RESOLVED, ComplaintStatus.CLOSED}


@dataclass(frozen=True)
class Figures:
    """What /statistik reports for a scope."""

    counts: Counter[tuple[str, str, int | None]]
    median: float | None
    areas: Counter[tuple[str, str, bool]]
    ratings: Counter[int]


def computed(connection: Connection, scope: Scope, timezone: str, days: WorkCalendar) -> Figures:
    """The figures as storage/statistics.py computes them (from tallies where kept)."""
    return Figures(Counter({(s, c, a): n for s, c, a, n in tally(connection, scope, timezone)}),
                   median_working_days(resolutions(connection, scope, timezone), days),
                   Counter({(k, lurah, out): n for k, lurah, out, n in areas(connection, scope, timezone)}),
                   ratings(connection, scope, timezone))


def reference(engine: Engine, scope: Scope, days: WorkCalendar) -> Figures:
    """The figures as /statistik computed them before: one ORM object per complaint."""
    with Session(engine) as session:
        query = select(Complaint).where(col(Complaint.created_at) < scope.end)
        if scope.start is not None:
            query = query.where(col(Complaint.created_at) >= scope.start)
        if scope.agency_only:
            query = query.where(Complaint.agency_id == scope.agency_id)
        complaints = list(session.exec(query))
        counts = Counter((c.status, c.category, c.agency_id) for c in complaints)
        ids = [c.id for c in complaints if c.status in DONE]
        created = {c.id: c.created_at for c in complaints}
        resolved_at: dict[int, datetime] = {}
        for change in session.exec(select(StatusChange).where(
                col(StatusChange.complaint_id).in_(ids), StatusChange.to_status == "resolved")
                .order_by(col(StatusChange.id))):
            resolved_at[change.complaint_id] = change.created_at
        worked = [days.working_days_between(created[i], at) for i, at in resolved_at.items()]
        return Figures(counts, statistics.median(worked) if worked else None,
                       Counter((c.kecamatan or "", c.kelurahan or "", c.outside_area) for c in complaints),
                       Counter(c.rating for c in complaints if c.rating is not None))


def handle_some(engine: Engine, timezone: str, agencies: list[int]) -> None:
    """Operators and reporters at work after the tallies were built: every kind of change a tally sees."""
    config = FlowConfig(timezone=timezone)
    with Session(engine, expire_on_commit=False) as session:
        def move(complaint: Complaint, to: ComplaintStatus, at: datetime) -> None:
            change_status(session, complaint=complaint, to_status=to, actor="operator:1", note=None,
                          public=True, now=at)
            refresh_deadlines(session, complaint, at, config=config)

        for i, complaint in enumerate(session.exec(select(Complaint).where(
                Complaint.status == ComplaintStatus.IN_PROGRESS.value).limit(15)).all()):
            move(complaint, ComplaintStatus.RESOLVED, NOW - timedelta(hours=7 * i))
        for complaint in session.exec(select(Complaint).where(
                Complaint.status == ComplaintStatus.CLOSED.value).limit(4)).all():
            complaint.resolved_at = None  # the reporter says it is not fixed (handlers/feedback.py)
            move(complaint, ComplaintStatus.REOPENED, NOW - timedelta(days=2))
        for i, complaint in enumerate(session.exec(select(Complaint).where(
                Complaint.status == ComplaintStatus.RESOLVED.value).limit(10)).all()):
            complaint.category = "roads"
            complaint.agency_id = agencies[i % 3]
            session.add(complaint)
        for i, complaint in enumerate(session.exec(select(Complaint).order_by(col(Complaint.id)).limit(60))):
            complaint.kelurahan, complaint.kecamatan = AREAS[i % len(AREAS)]
            complaint.outside_area = i % 7 == 0
            complaint.rating = (i % 5) + 1 if complaint.status == ComplaintStatus.CLOSED.value else None
            session.add(complaint)
        session.flush()
        for complaint in session.exec(select(Complaint).order_by(col(Complaint.id)).limit(10)):
            complaint.kelurahan = None if complaint.id % 2 else "Menteng"  # moved, or its pin taken back
            complaint.rating = None
            session.add(complaint)
        session.flush()
        reporter = session.get(Reporter, 1)
        assert reporter is not None
        for hours in (1, 30, 24 * 31):
            file_complaint(session.connection(), reporter=reporter, prefix="ADU",
                           now=NOW - timedelta(hours=hours), report=NewComplaint(
                               name="Siti", address="Jl. Merdeka 1", latitude=None, longitude=None,
                               location_source=None, category="waste", privacy="public", photos=[],
                               description="Sampah menumpuk di pinggir jalan sejak seminggu"))
        session.commit()


@pytest.mark.parametrize("kept", [True, False], ids=["tallies", "complaints"])
@pytest.mark.parametrize("timezone", ["Asia/Jakarta", "Asia/Makassar", "Europe/Berlin"])
def test_figures_equal_the_per_complaint_definition(both_databases: Engine, timezone: str,
                                                    kept: bool) -> None:
    seeded = seed(both_databases, complaints=600, now=NOW)
    days = WorkCalendar(timezone, local_holidays=HOLIDAYS)
    if kept:
        sqlite_with_dst = both_databases.dialect.name == "sqlite" and timezone == "Europe/Berlin"
        kept_now = keep_tallies(both_databases, timezone=timezone, is_working_day=days.is_working_day)
        assert kept_now is not sqlite_with_dst
    handle_some(both_databases, timezone, list(seeded.agencies.values()))
    agency = seeded.agencies["DLH"]
    this_month = datetime(2026, 11, 1, tzinfo=ZoneInfo(timezone))
    scopes = [Scope(None, NOW), Scope(datetime(2025, 1, 1, tzinfo=UTC), datetime(2026, 1, 1, tzinfo=UTC)),
              Scope(NOW - timedelta(days=30), NOW), Scope(None, NOW, agency_only=True, agency_id=agency),
              Scope(NOW - timedelta(days=400), NOW, agency_only=True, agency_id=agency),
              Scope(None, NOW, agency_only=True, agency_id=None), Scope(this_month, NOW),
              Scope(NOW - timedelta(hours=5), NOW)]
    medians, rated = set(), set()
    for scope in scopes:
        expected = reference(both_databases, scope, days)
        with both_databases.connect() as connection:
            assert computed(connection, scope, timezone, days) == expected, scope
        medians.add(expected.median)
        rated.add(sum(expected.ratings.values()))
    assert len(medians) > 2 and len(rated) > 2  # the scopes differ, so a constant could not pass


@pytest.mark.parametrize(("worked", "expected"), [
    ([3], 3), ([1, 2], 1.5), ([4, 1, 9], 4), ([0, 0, 5, 7], 2.5), ([2, 2, 2, 8], 2),
])
def test_median_of_counted_pairs_is_the_median_of_the_list(worked: list[int], expected: float) -> None:
    days = WorkCalendar("Asia/Jakarta")
    monday = date(2026, 11, 2)  # working days from a Monday: Tuesday is 1, ..., Friday 4, next Monday 5
    offsets = {0: 0, 1: 1, 2: 2, 3: 3, 4: 4, 5: 7, 7: 9, 8: 10, 9: 11}
    pairs = [(monday.toordinal(), (monday + timedelta(days=offsets[w])).toordinal(), 1) for w in worked]
    assert median_working_days(Resolutions(Counter(), pairs), days) == expected == statistics.median(worked)
    counted = Resolutions(Counter(worked[1:]), pairs[:1])  # partly counted by the database's calendar
    assert median_working_days(counted, days) == expected


def test_indonesian_zones_have_a_fixed_offset_and_daylight_saving_zones_do_not() -> None:
    zones = ("Asia/Jakarta", "Asia/Makassar", "Asia/Jayapura")
    assert [fixed_offset_minutes(z) for z in zones] == [420, 480, 540]
    assert fixed_offset_minutes("Europe/Berlin") is None


def test_tallies_are_rebuilt_when_the_zone_changes_or_the_triggers_are_gone(both_databases: Engine) -> None:
    seed(both_databases, complaints=50, now=NOW)
    weekdays = WorkCalendar("Asia/Jakarta").is_working_day
    assert keep_tallies(both_databases, timezone="Asia/Jakarta", is_working_day=weekdays)
    with both_databases.begin() as connection:
        drop_triggers(connection)  # as a migration that rebuilds the complaint table would
        assert kept_in(connection) == "Asia/Jakarta"
    assert keep_tallies(both_databases, timezone="Asia/Jakarta", is_working_day=weekdays)
    scope = Scope(None, NOW)
    wednesdays = [date(2023, 11, 1) + timedelta(weeks=n) for n in range(160)]  # a calendar change that shows
    medians = []
    for timezone, holidays in (("Asia/Jakarta", []), ("Asia/Jayapura", []), ("Asia/Jayapura", wednesdays)):
        days = WorkCalendar(timezone, local_holidays=holidays)
        assert keep_tallies(both_databases, timezone=timezone, is_working_day=days.is_working_day)
        handle_some(both_databases, timezone, [1, 2, 3])  # the triggers are back: changes are counted
        expected = reference(both_databases, scope, days)
        with both_databases.connect() as connection:
            assert kept_in(connection) == timezone
            assert computed(connection, scope, timezone, days) == expected
        medians.append(expected.median)
    assert medians[1] != medians[2]
