"""Working days (weekends, Indonesian national holidays, local holidays) and quiet hours."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, time, timedelta
from functools import cache
from zoneinfo import ZoneInfo

import holidays


@cache
def _national(year: int) -> frozenset[date]:
    # Government offices also close on the joint leave days (cuti bersama) around Idul Fitri etc.
    return frozenset(holidays.country_holidays("ID", years=year, categories=("public", "government")))


class WorkCalendar:
    """Counts working days (hari kerja) in the service's time zone."""

    def __init__(self, timezone: str, local_holidays: Iterable[date] = ()) -> None:
        self.zone = ZoneInfo(timezone)
        self.local_holidays = frozenset(local_holidays)

    def is_working_day(self, day: date) -> bool:
        """Whether `day` is neither a weekend nor a national or local holiday."""
        return day.weekday() < 5 and day not in self.local_holidays and day not in _national(day.year)

    def add_working_days(self, start: datetime, days: int) -> datetime:
        """The end of the `days`-th working day after the day of `start` (midnight local, as UTC-aware).

        The day something arrives does not count, as in LAPOR!: received on a Friday with 3 working
        days means by the end of the following Wednesday (no holidays in between).
        """
        day = start.astimezone(self.zone).date()
        counted = 0
        while counted < days:
            day += timedelta(days=1)
            if self.is_working_day(day):
                counted += 1
        return datetime.combine(day + timedelta(days=1), time(0), self.zone)

    def working_days_between(self, start: datetime, end: datetime) -> int:
        """Working days from the day after `start` up to and including the day of `end` (0 the same day)."""
        first, last = start.astimezone(self.zone).date(), end.astimezone(self.zone).date()
        days = (first + timedelta(days=n) for n in range(1, (last - first).days + 1))
        return sum(1 for day in days if self.is_working_day(day))

    def morning_of_last_day(self, deadline: datetime, morning: time) -> datetime:
        """`morning` local time on the working day that ends at `deadline`: the day-before reminder."""
        last_day = (deadline.astimezone(self.zone) - timedelta(seconds=1)).date()
        return datetime.combine(last_day, morning, self.zone)


class QuietHours:
    """The night hours in which non-urgent messages wait until morning."""

    def __init__(self, timezone: str, start: time, end: time) -> None:
        self.zone = ZoneInfo(timezone)
        self.start = start
        self.end = end

    def is_quiet(self, moment: datetime) -> bool:
        """Whether `moment` falls in the quiet hours."""
        if self.start == self.end:
            return False
        local = moment.astimezone(self.zone).timetz().replace(tzinfo=None)
        if self.start < self.end:
            return self.start <= local < self.end
        return local >= self.start or local < self.end

    def next_allowed(self, moment: datetime) -> datetime:
        """`moment` itself, or the end of the quiet hours it falls in."""
        if not self.is_quiet(moment):
            return moment
        local = moment.astimezone(self.zone)
        morning = datetime.combine(local.date(), self.end, self.zone)
        if morning <= local:
            morning = datetime.combine(local.date() + timedelta(days=1), self.end, self.zone)
        return morning
