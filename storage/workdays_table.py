"""The service's working-day calendar as a table, so the database can count working days itself.

`workday.running` is the number of working days from the table's first day up to and including each
day, so the working days between two days are one subtraction (what the resolution tallies store). The
table runs from 2000 (or the first complaint, if earlier) to at least ten years ahead, extended a few
decades at a time; it is rewritten when the calendar it was made from changes (a holiday added, a newer
`holidays` release), and then the tallies that depend on it are rebuilt.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date, datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.engine import Connection

EPOCH = date(2000, 1, 1)
AHEAD_YEARS, EXTEND_YEARS = 10, 30
_BATCH = 5000


def _running(first: date, last: date, is_working_day: Callable[[date], bool]) -> Iterator[tuple[date, int]]:
    running, day = 0, first
    while day <= last:
        running += is_working_day(day) if day > first else 0
        yield day, running
        day += timedelta(days=1)


def _as_date(value: object) -> date:
    if isinstance(value, datetime):
        return value.date()
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])


def keep_workdays(connection: Connection, is_working_day: Callable[[date], bool], *, today: date) -> bool:
    """Make the table match the calendar from its first day to years ahead; whether its past changed."""
    stored = [(_as_date(day), running) for day, running in connection.execute(
        sa.text("SELECT day, running FROM workday ORDER BY day"))]
    earliest = connection.execute(sa.text("SELECT min(created_at) FROM complaint")).scalar()
    first = min(EPOCH, _as_date(earliest) - timedelta(days=1)) if earliest is not None else EPOCH
    needed = date(today.year + AHEAD_YEARS, 12, 31)
    last = stored[-1][0] if stored and stored[-1][0] >= needed else date(today.year + EXTEND_YEARS, 12, 31)
    wanted = list(_running(first, last, is_working_day))
    if stored and stored[0][0] == first and wanted[:len(stored)] == stored:
        _insert(connection, wanted[len(stored):])
        return False
    connection.execute(sa.text("DELETE FROM workday"))
    _insert(connection, wanted)
    return bool(stored)


def _insert(connection: Connection, rows: list[tuple[date, int]]) -> None:
    statement = sa.text("INSERT INTO workday (day, running) VALUES (:day, :running)")
    as_text = connection.dialect.name == "sqlite"  # stored as SQLAlchemy stores a Date there
    for start in range(0, len(rows), _BATCH):
        connection.execute(statement, [{"day": day.isoformat() if as_text else day, "running": running}
                                       for day, running in rows[start:start + _BATCH]])
