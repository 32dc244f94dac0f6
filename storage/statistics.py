"""The figures behind /statistik, counted by the database: a few grouped rows, whatever the volume.

When tallies are kept in the service's time zone (storage/tallies.py), a period's whole local months are
added up from the month tallies and its other whole days from the day tallies (a year reads a dozen
months, all time a few dozen); the hours at either end that are not a whole day (the last 30 days start
at this hour 30 days ago; today is not over) are counted from the complaints themselves, as is
everything when no tallies are kept.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta
from functools import cache
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from storage.models import Complaint, ComplaintStatus
from storage.tallies import ALL_AGENCIES, NO_AGENCY, fixed_offset_minutes, kept_in
from storage.tally_models import (
    AreaMonth,
    AreaTally,
    ComplaintMonth,
    ComplaintTally,
    RatingMonth,
    RatingTally,
    ResolutionMonth,
    ResolutionTally,
)

_COMPLAINT: sa.Table = Complaint.__table__  # type: ignore[attr-defined]
_COUNTS: tuple[sa.Table, sa.Table] = (ComplaintTally.__table__, ComplaintMonth.__table__)  # type: ignore[attr-defined]
_AREAS: tuple[sa.Table, sa.Table] = (AreaTally.__table__, AreaMonth.__table__)  # type: ignore[attr-defined]
_RATINGS: tuple[sa.Table, sa.Table] = (RatingTally.__table__, RatingMonth.__table__)  # type: ignore[attr-defined]
_RESOLVED: tuple[sa.Table, sa.Table] = (ResolutionTally.__table__, ResolutionMonth.__table__)  # type: ignore[attr-defined]
DONE = (ComplaintStatus.RESOLVED.value, ComplaintStatus.CLOSED.value)
_LOCAL_DAY_FUNCTION = "aduan_local_day"


@dataclass(frozen=True, slots=True)
class Scope:
    """Which complaints a figure counts: received in [start, end), of one agency or all."""

    start: datetime | None
    end: datetime
    agency_only: bool = False
    agency_id: int | None = None

    def where(self) -> list[sa.ColumnElement[bool]]:
        """The filter on the complaint table."""
        clauses: list[sa.ColumnElement[bool]] = [_COMPLAINT.c.created_at < self.end]
        if self.start is not None:
            clauses.append(_COMPLAINT.c.created_at >= self.start)
        if self.agency_only:
            clauses.append(_COMPLAINT.c.agency_id == self.agency_id)
        return clauses


@dataclass(frozen=True, slots=True)
class _Days:
    """Whole local days [first, last] of a scope (first None: from the beginning)."""

    first: date | None
    last: date


def _split(scope: Scope, timezone: str) -> tuple[_Days | None, list[Scope]]:
    """The scope's whole local days, and the parts of it that are not whole days."""
    zone = ZoneInfo(timezone)
    end_day = scope.end.astimezone(zone).date()
    last = end_day - timedelta(days=1)
    edges = []
    end_midnight = _midnight(end_day, zone)
    if end_midnight < scope.end:
        edges.append(replace(scope, start=end_midnight))
    first: date | None = None
    if scope.start is not None:
        start_day = scope.start.astimezone(zone).date()
        first = start_day if _midnight(start_day, zone) == scope.start else start_day + timedelta(days=1)
        if first > last:
            return None, [scope]
        if first != start_day:
            edges.append(replace(scope, end=_midnight(first, zone)))
    return _Days(first, last), edges


def _midnight(day: date, zone: ZoneInfo) -> datetime:
    return datetime.combine(day, time(0), zone).astimezone(UTC)


def _parts(connection: Connection, scope: Scope, timezone: str) -> tuple[_Days | None, list[Scope]]:
    return _split(scope, timezone) if kept_in(connection) == timezone else (None, [scope])


def _grains(days: _Days | None) -> Iterator[tuple[int, _Days]]:
    """The whole days as (0, days) ranges for the day tallies and one (1, months) for the month tallies."""
    if days is None:
        return
    last_month = _month(days.last + timedelta(days=1)) - timedelta(days=1)  # the last whole month's end
    first_month = None if days.first is None else _next_month(days.first - timedelta(days=1))
    if first_month is not None and first_month > last_month:
        yield 0, days
        return
    if days.first is not None and first_month is not None and days.first < first_month:
        yield 0, _Days(days.first, first_month - timedelta(days=1))
    if last_month < days.last:
        yield 0, _Days(last_month + timedelta(days=1), days.last)
    yield 1, _Days(first_month, _month(last_month))


def _month(day: date) -> date:
    """The first day of `day`'s month."""
    return day.replace(day=1)


def _next_month(day: date) -> date:
    """The first day of the month after `day`'s."""
    return _month(day.replace(day=28) + timedelta(days=4))


def _summed(connection: Connection, scope: Scope, days: _Days | None, tables: tuple[sa.Table, sa.Table],
            keys: list[str], *, agency: int | None = None) -> Iterator[tuple[Any, ...]]:
    """(keys…, n) added up over the whole days of `scope` from the day and month tallies in `tables`."""
    for grain, period in _grains(days):
        t = tables[grain].c
        query = (sa.select(*(t[key] for key in keys), sa.func.sum(t.n))
                 .where(*_day_range(t.day, period)).group_by(*(t[key] for key in keys)))
        if agency is not None:
            query = query.where(t.agency_id == agency)
        elif scope.agency_only:
            query = query.where(t.agency_id == (scope.agency_id or NO_AGENCY))
        yield from connection.execute(query)


def _agency_or_all(scope: Scope) -> int:
    """The tallies' agency key for the scope: its agency's, or the one counting every agency at once."""
    return (scope.agency_id or NO_AGENCY) if scope.agency_only else ALL_AGENCIES


def tally(connection: Connection, scope: Scope, timezone: str) -> list[tuple[str, str, int | None, int]]:
    """(status, category, agency id, complaints) for every combination that occurs in `scope`."""
    days, edges = _parts(connection, scope, timezone)
    counts: Counter[tuple[str, str, int | None]] = Counter()
    c = _COMPLAINT.c
    for edge in edges:
        for status, category, agency_id, n in connection.execute(
                sa.select(c.status, c.category, c.agency_id, sa.func.count())
                .where(*edge.where()).group_by(c.status, c.category, c.agency_id)):
            counts[status, category, agency_id] += n
    for status, category, agency_id, n in _summed(connection, scope, days, _COUNTS,
                                                  ["status", "category", "agency_id"]):
        counts[status, category, agency_id or None] += n
    return [(status, category, agency_id, n) for (status, category, agency_id), n in counts.items() if n]


def areas(connection: Connection, scope: Scope, timezone: str) -> list[tuple[str, str, bool, int]]:
    """(kecamatan, kelurahan, outside the area, complaints) for each that occurs in `scope` ('' unknown)."""
    days, edges = _parts(connection, scope, timezone)
    counts: Counter[tuple[str, str, bool]] = Counter()
    c = _COMPLAINT.c
    for edge in edges:
        for kecamatan, kelurahan, outside, n in connection.execute(
                sa.select(c.kecamatan, c.kelurahan, c.outside_area, sa.func.count())
                .where(*edge.where()).group_by(c.kecamatan, c.kelurahan, c.outside_area)):
            counts[kecamatan or "", kelurahan or "", bool(outside)] += n
    for kecamatan, kelurahan, outside, n in _summed(connection, scope, days, _AREAS,
                                                    ["kecamatan", "kelurahan", "outside_area"],
                                                    agency=_agency_or_all(scope)):
        counts[kecamatan, kelurahan, bool(outside)] += n
    return [(*key, n) for key, n in counts.items() if n]


def ratings(connection: Connection, scope: Scope, timezone: str) -> Counter[int]:
    """How many complaints received in `scope` were rated 1, 2, … 5 by their reporters."""
    days, edges = _parts(connection, scope, timezone)
    counts: Counter[int] = Counter()
    c = _COMPLAINT.c
    for edge in edges:
        for rating, n in connection.execute(sa.select(c.rating, sa.func.count()).where(
                *edge.where(), c.rating.is_not(None)).group_by(c.rating)):
            counts[rating] += n
    for rating, n in _summed(connection, scope, days, _RATINGS, ["rating"], agency=_agency_or_all(scope)):
        counts[rating] += n
    return +counts


@dataclass(frozen=True, slots=True)
class Resolutions:
    """The resolved and closed complaints of a scope, for the median working days to resolution.

    `worked` counts complaints by working days, as the database's copy of the calendar counted them (the
    tallied whole days); `pairs` are (local day received, local day resolved, complaints), days as
    `date.toordinal()` numbers, for the calendar to be applied to (the hours at the edges, or everything
    when no tallies are kept).
    """

    worked: Counter[int]
    pairs: list[tuple[int, int, int]]


def resolutions(connection: Connection, scope: Scope, timezone: str) -> Resolutions:
    """The resolved and closed complaints received in `scope`, counted by working days or by day pairs."""
    days, edges = _parts(connection, scope, timezone)
    dialect = connection.dialect.name
    pairs: list[tuple[int, int, int]] = []
    c = _COMPLAINT.c
    received, resolved = (_ordinal(dialect, _local_day(connection, col, timezone))
                          for col in (c.created_at, c.resolved_at))
    for edge in edges:
        pairs += [(a, b, n) for a, b, n in connection.execute(
            sa.select(received, resolved, sa.func.count())
            .where(*edge.where(), c.status.in_(DONE), c.resolved_at.is_not(None))
            .group_by(received, resolved)).all()]
    worked: Counter[int] = Counter()
    every = _agency_or_all(scope)
    for days_worked, n in _summed(connection, scope, days, _RESOLVED, ["worked"], agency=every):
        if days_worked >= 0:  # -1: outside the calendar table (storage/workdays_table.py covers 2000 on)
            worked[days_worked] += n
    return Resolutions(worked, pairs)


def _ordinal(dialect: str, day: Any) -> Any:
    """`date.toordinal()` of a date column, computed by the database (no date objects to build)."""
    if dialect == "postgresql":
        return sa.cast(day, sa.Date) - sa.literal_column("DATE '0001-01-01'") + 1
    return sa.cast(sa.func.julianday(day), sa.Integer) - 1721424  # julianday of 0001-01-01 is 1721425.5


def _day_range(column: Any, days: _Days) -> Iterator[sa.ColumnElement[bool]]:
    if days.first is not None:
        yield column >= days.first
    yield column <= days.last


def _local_day(connection: Connection, column: Any, timezone: str) -> Any:
    """The calendar day of a naive-UTC column in `timezone`, computed by the database."""
    if connection.dialect.name == "postgresql":
        # Inline constants: the same expression in SELECT and GROUP BY must not differ in bound parameters.
        zone, utc = (sa.literal(name, literal_execute=True) for name in (timezone, "UTC"))
        return sa.cast(sa.func.timezone(zone, sa.func.timezone(utc, column)), sa.Date)
    offset = fixed_offset_minutes(timezone)
    if offset is not None:
        return sa.func.date(column, sa.literal(f"{offset:+d} minutes", literal_execute=True))
    # A zone with daylight saving time: SQLite has no time zones, so it asks Python, row by row.
    raw = connection.connection.driver_connection
    raw.create_function(_LOCAL_DAY_FUNCTION, 1, _local_day_in(timezone), deterministic=True)  # type: ignore[union-attr]
    return getattr(sa.func, _LOCAL_DAY_FUNCTION)(column)


@cache
def _local_day_in(timezone: str) -> Any:
    zone = ZoneInfo(timezone)

    def local_day(value: str | None) -> str | None:
        if value is None:
            return None
        return datetime.fromisoformat(value).replace(tzinfo=UTC).astimezone(zone).date().isoformat()

    return local_day
