"""The public statistics: this year's, last year's and all time's figures, from the operators' tallies."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy.engine import Connection

from handlers.period_figures import PeriodFigures, period_figures
from handlers.workdays import WorkCalendar
from storage.statistics import Scope

PERIODS = ("this_year", "last_year", "all_time")


def period_scopes(now: datetime, timezone: str) -> dict[str, Scope]:
    """This local year, the last one, and all time, by when complaints were received.

    The periods end at next year's local new year rather than now: whole local months only, so the month
    tallies answer alone and no complaint is read; none is received after now anyway.
    """
    zone = ZoneInfo(timezone)
    year = now.astimezone(zone).year
    this_year, last_year, next_year = (datetime(y, 1, 1, tzinfo=zone) for y in (year, year - 1, year + 1))
    return {"this_year": Scope(this_year, next_year), "last_year": Scope(last_year, this_year),
            "all_time": Scope(None, next_year)}


def figures(connection: Connection, *, now: datetime, timezone: str,
            days: WorkCalendar) -> dict[str, PeriodFigures]:
    """Every complaint's figures (published or not: only numbers leave) by period, as of `now`."""
    return {name: period_figures(connection, scope, timezone, days)
            for name, scope in period_scopes(now, timezone).items()}
