"""The figures behind /statistik, counted by the database: a few grouped rows, whatever the volume."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from functools import cache
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from storage.models import Complaint, ComplaintStatus

_COMPLAINT: sa.Table = Complaint.__table__  # type: ignore[attr-defined]
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


def tally(connection: Connection, scope: Scope) -> list[tuple[str, str, int | None, int]]:
    """(status, category, agency id, complaints) for every combination that occurs in `scope`."""
    c = _COMPLAINT.c
    query = (sa.select(c.status, c.category, c.agency_id, sa.func.count())
             .where(*scope.where()).group_by(c.status, c.category, c.agency_id))
    return [(row[0], row[1], row[2], row[3]) for row in connection.execute(query)]


def resolution_days(connection: Connection, scope: Scope, timezone: str) -> list[tuple[date, date, int]]:
    """(local day received, local day resolved, complaints) of the resolved and closed ones in `scope`.

    Days rather than complaints: the working-day calendar is applied to at most a few tens of thousands
    of day pairs, not to every complaint.
    """
    c = _COMPLAINT.c
    received, resolved = (_local_day(connection, col, timezone) for col in (c.created_at, c.resolved_at))
    query = (sa.select(received, resolved, sa.func.count())
             .where(*scope.where(), c.status.in_(DONE), c.resolved_at.is_not(None))
             .group_by(received, resolved))
    return [(_as_date(row[0]), _as_date(row[1]), row[2]) for row in connection.execute(query)]


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
def fixed_offset_minutes(timezone: str) -> int | None:
    """The zone's UTC offset in minutes when it has been the same since 2000 (all of Indonesia's)."""
    zone = ZoneInfo(timezone)
    offsets = {datetime(year, month, 1, 12, tzinfo=zone).utcoffset() for year in range(2000, 2040)
               for month in (1, 4, 7, 10)}
    if len(offsets) != 1:
        return None
    (offset,) = offsets
    assert offset is not None
    return int(offset.total_seconds()) // 60


@cache
def _local_day_in(timezone: str) -> Any:
    zone = ZoneInfo(timezone)

    def local_day(value: str | None) -> str | None:
        if value is None:
            return None
        return datetime.fromisoformat(value).replace(tzinfo=UTC).astimezone(zone).date().isoformat()

    return local_day


def _as_date(value: date | str) -> date:
    return value if isinstance(value, date) else date.fromisoformat(value)
