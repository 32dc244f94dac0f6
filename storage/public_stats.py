"""The public statistics' raw figures: complaint counts and resolution dates, grouped in the database."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.functions import FunctionElement

from storage.models import Agency, Complaint, ComplaintStatus

_C: sa.Table = Complaint.__table__  # type: ignore[attr-defined]
_A: sa.Table = Agency.__table__  # type: ignore[attr-defined]
THIS_YEAR, LAST_YEAR, EARLIER = 2, 1, 0
DONE = (ComplaintStatus.RESOLVED.value, ComplaintStatus.CLOSED.value)


class local_date(FunctionElement[date]):
    """The calendar date of a stored UTC timestamp shifted by a fixed number of seconds."""

    type = sa.Date()
    inherit_cache = True


@compiles(local_date, "sqlite")
def _sqlite_local_date(element: local_date, compiler: SQLCompiler, **kw: Any) -> str:
    column, seconds = list(element.clauses)
    return f"date({compiler.process(column, **kw)}, {compiler.process(seconds, **kw)} || ' seconds')"


@compiles(local_date)
def _local_date(element: local_date, compiler: SQLCompiler, **kw: Any) -> str:
    column, seconds = list(element.clauses)
    shift = f"make_interval(secs => {compiler.process(seconds, **kw)})"
    return f"CAST({compiler.process(column, **kw)} + {shift} AS DATE)"


@dataclass(frozen=True, slots=True)
class CountRow:
    """How many complaints of one period, status, category and agency there are."""

    period: int
    status: str
    category: str
    agency: str | None
    count: int


@dataclass(frozen=True, slots=True)
class ResolutionRow:
    """How many complaints of one period were received on one date and resolved on another."""

    period: int
    received: date
    resolved: date
    count: int


def _period(this_year: datetime, last_year: datetime) -> sa.ColumnElement[int]:
    return sa.case((_C.c.created_at >= this_year, THIS_YEAR), (_C.c.created_at >= last_year, LAST_YEAR),
                   else_=EARLIER)


def complaint_counts(connection: Connection, *, this_year: datetime, last_year: datetime) -> list[CountRow]:
    """Every complaint (published or not: only counts leave) grouped by period, status, category, agency."""
    period = _period(this_year, last_year).label("period")
    query = (sa.select(period, _C.c.status, _C.c.category, _A.c.code.label("agency"),
                       sa.func.count().label("n"))
             .select_from(_C.outerjoin(_A, _A.c.id == _C.c.agency_id))
             .group_by(_C.c.status, _C.c.category, _A.c.code, period))
    return [CountRow(period=r.period, status=r.status, category=r.category, agency=r.agency, count=r.n)
            for r in connection.execute(query)]


def resolution_dates(connection: Connection, *, this_year: datetime, last_year: datetime,
                     offset: timedelta) -> list[ResolutionRow]:
    """Resolved complaints grouped by period, local date received and local date resolved."""
    seconds = sa.literal(int(offset.total_seconds()), sa.Integer)
    period = _period(this_year, last_year).label("period")
    received = local_date(_C.c.created_at, seconds).label("received")
    resolved = local_date(_C.c.resolved_at, seconds).label("resolved")
    query = (sa.select(period, received, resolved, sa.func.count().label("n"))
             .where(_C.c.status.in_(DONE), _C.c.resolved_at.is_not(None))
             .group_by(period, received, resolved))
    return [ResolutionRow(period=r.period, received=_as_date(r.received), resolved=_as_date(r.resolved),
                          count=r.n) for r in connection.execute(query)]


def _as_date(value: date | str) -> date:
    return value if isinstance(value, date) else date.fromisoformat(value)
