"""The figures behind /statistik, counted by the database: a few grouped rows, whatever the volume.

Whole local days of a period are added up from the tallies (storage/tallies.py) when they are kept in
the service's time zone; the hours at either end of a period that are not a whole day (the last 30 days
start at this hour 30 days ago; today is not over) are counted from the complaints themselves, as
is everything when no tallies are kept.
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
from storage.tally_models import ComplaintTally, ResolutionTally

_COMPLAINT: sa.Table = Complaint.__table__  # type: ignore[attr-defined]
_TALLY: sa.Table = ComplaintTally.__table__  # type: ignore[attr-defined]
_RESOLVED: sa.Table = ResolutionTally.__table__  # type: ignore[attr-defined]
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
    if days is not None:
        t = _TALLY.c
        query = (sa.select(t.status, t.category, t.agency_id, sa.func.sum(t.n))
                 .where(*_day_range(t.day, days)).group_by(t.status, t.category, t.agency_id))
        if scope.agency_only:
            query = query.where(t.agency_id == (scope.agency_id or NO_AGENCY))
        for status, category, agency_id, n in connection.execute(query):
            counts[status, category, agency_id or None] += n
    return [(status, category, agency_id, n) for (status, category, agency_id), n in counts.items() if n]


def resolution_days(connection: Connection, scope: Scope, timezone: str) -> list[tuple[int, int, int]]:
    """(local day received, local day resolved, complaints) of the resolved and closed ones in `scope`.

    Days (as `date.toordinal()` numbers) rather than complaints: the working-day calendar is applied to
    at most a few tens of thousands of day pairs, not to every complaint.
    """
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
    if days is not None:
        r = _RESOLVED.c
        agency = (scope.agency_id or NO_AGENCY) if scope.agency_only else ALL_AGENCIES
        pairs += [(a, b, n) for a, b, n in connection.execute(
            sa.select(_ordinal(dialect, r.day), _ordinal(dialect, r.resolved_day), r.n)
            .where(r.agency_id == agency, r.n != 0, *_day_range(r.day, days))).all()]
    return pairs


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
