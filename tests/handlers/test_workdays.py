"""Working days across weekends and holidays, and quiet hours, in Jakarta time."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from handlers.workdays import QuietHours, WorkCalendar

JAKARTA = ZoneInfo("Asia/Jakarta")


def wib(*args: int) -> datetime:
    return datetime(*args, tzinfo=JAKARTA)  # type: ignore[misc]


@pytest.mark.parametrize(("received", "days", "last_day", "local"), [
    # Monday -> Thursday: the day of receipt does not count.
    (wib(2026, 11, 23, 10, 0), 3, date(2026, 11, 26), ()),
    # Friday evening -> the weekend does not count -> Wednesday.
    (wib(2026, 11, 27, 19, 0), 3, date(2026, 12, 2), ()),
    # Saturday -> Wednesday (Mon, Tue, Wed).
    (wib(2026, 11, 28, 9, 0), 3, date(2026, 12, 2), ()),
    # Idul Fitri 1446 H: 31 March and 1 April 2025 are national holidays, 2-4 and 7 April joint leave
    # (cuti bersama, offices closed) -> Friday 28 March + 3 = Thursday 10 April.
    (wib(2025, 3, 28, 15, 0), 3, date(2025, 4, 10), ()),
    # Christmas joint leave (Thu 24 Dec 2026), Christmas (Fri 25) and the weekend -> Wed 23 Dec + 3 = Wed 30.
    (wib(2026, 12, 23, 8, 0), 3, date(2026, 12, 30), ()),
    # A configured local holiday (a regional anniversary) also does not count.
    (wib(2026, 11, 23, 10, 0), 3, date(2026, 11, 27), (date(2026, 11, 25),)),
    # 23:30 WIB on Sunday is 16:30 UTC on Sunday: counted from the local day.
    (datetime(2026, 11, 22, 16, 30, tzinfo=UTC), 1, date(2026, 11, 23), ()),
])
def test_deadlines_count_working_days_only(received: datetime, days: int, last_day: date,
                                           local: tuple[date, ...]) -> None:
    calendar = WorkCalendar("Asia/Jakarta", local)
    due = calendar.add_working_days(received, days)
    assert (due - timedelta(seconds=1)).astimezone(JAKARTA).date() == last_day
    assert due.astimezone(JAKARTA).time() == time(0)  # the deadline is the end of that day


def test_idul_fitri_is_not_a_working_day() -> None:
    calendar = WorkCalendar("Asia/Jakarta")
    assert not calendar.is_working_day(date(2025, 3, 31))
    assert not calendar.is_working_day(date(2025, 4, 1))
    assert not calendar.is_working_day(date(2025, 4, 2))  # cuti bersama
    assert calendar.is_working_day(date(2025, 4, 8))


@pytest.mark.parametrize(("moment", "quiet", "allowed"), [
    (wib(2026, 11, 23, 20, 59), False, wib(2026, 11, 23, 20, 59)),
    (wib(2026, 11, 23, 21, 0), True, wib(2026, 11, 24, 6, 0)),
    (wib(2026, 11, 23, 23, 45), True, wib(2026, 11, 24, 6, 0)),
    (wib(2026, 11, 24, 2, 10), True, wib(2026, 11, 24, 6, 0)),
    (wib(2026, 11, 24, 6, 0), False, wib(2026, 11, 24, 6, 0)),
])
def test_quiet_hours_push_to_the_morning(moment: datetime, quiet: bool, allowed: datetime) -> None:
    hours = QuietHours("Asia/Jakarta", time(21, 0), time(6, 0))
    assert hours.is_quiet(moment) is quiet
    assert hours.next_allowed(moment) == allowed


def test_quiet_hours_within_one_day() -> None:
    hours = QuietHours("Asia/Jakarta", time(12, 0), time(13, 0))
    assert hours.next_allowed(wib(2026, 11, 23, 12, 30)) == wib(2026, 11, 23, 13, 0)
    assert not hours.is_quiet(wib(2026, 11, 23, 22, 0))


@pytest.mark.parametrize(("start", "end", "days"), [
    (wib(2026, 11, 23, 10, 0), wib(2026, 11, 23, 18, 0), 0),    # the same day
    (wib(2026, 11, 27, 19, 0), wib(2026, 11, 30, 8, 0), 1),     # Friday -> Monday: the weekend is free
    (wib(2025, 3, 28, 15, 0), wib(2025, 4, 10, 9, 0), 3),       # across Idul Fitri and its joint leave
])
def test_age_in_working_days(start: datetime, end: datetime, days: int) -> None:
    assert WorkCalendar("Asia/Jakarta").working_days_between(start, end) == days
