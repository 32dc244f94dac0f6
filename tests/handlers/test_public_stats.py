"""The public statistics' figures from grouped rows: shares, periods and the median in working days."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from handlers.public_stats import figures
from handlers.workdays import WorkCalendar
from storage.public_stats import EARLIER, LAST_YEAR, THIS_YEAR, CountRow, ResolutionRow

CALENDAR = WorkCalendar("Asia/Jakarta")
MON, WED, FRI, NEXT_MON = date(2025, 2, 3), date(2025, 2, 5), date(2025, 2, 7), date(2025, 2, 10)


def test_counts_by_period_status_category_and_agency() -> None:
    counts = [CountRow(THIS_YEAR, "resolved", "waste", "DLH", 9),
              CountRow(THIS_YEAR, "received", "roads", None, 1),
              CountRow(LAST_YEAR, "archived", "waste", "DLH", 2),
              CountRow(EARLIER, "closed", "roads", "PUPR", 3)]
    result = figures(counts, [], CALENDAR)
    this, last, every = result["this_year"], result["last_year"], result["all_time"]
    assert (this.received, this.completed, this.in_process, this.archived) == (10, 9, 1, 0)
    assert this.completed_pct == 90.0 and this.by_category == [("waste", 9), ("roads", 1)]
    assert (last.received, last.archived, last.completed_pct) == (2, 2, 0.0)
    assert every.received == 15 and every.by_agency == [("DLH", 11), ("PUPR", 3), (None, 1)]
    assert every.median_days is None


@pytest.mark.parametrize(("spans", "median"), [
    ([(MON, WED, 1)], 2),                       # Monday to Wednesday: two working days
    ([(FRI, NEXT_MON, 1)], 1),                  # the weekend does not count
    ([(MON, WED, 1), (MON, FRI, 1)], 3),        # an even count: the mean of the middle two
    ([(MON, MON, 5), (MON, NEXT_MON, 1)], 0),   # weighted by how many complaints share the dates
])
def test_the_median_counts_working_days(spans: list[tuple[date, date, int]], median: float) -> None:
    rows = [ResolutionRow(THIS_YEAR, start, end, n) for start, end, n in spans]
    result = figures([CountRow(THIS_YEAR, "resolved", "waste", None, 1)], rows, CALENDAR)
    assert result["this_year"].median_days == median


def test_holidays_do_not_count_as_the_calendar_says() -> None:
    # Idul Fitri 2025 and its joint leave days fall between these dates.
    start, end = date(2025, 3, 28), date(2025, 4, 10)
    expected = CALENDAR.working_days_between(datetime(2025, 3, 28, 12, tzinfo=CALENDAR.zone),
                                             datetime(2025, 4, 10, 12, tzinfo=CALENDAR.zone))
    assert expected < 9  # fewer than the ten weekdays in between
    result = figures([], [ResolutionRow(LAST_YEAR, start, end, 1)], CALENDAR)
    assert result["last_year"].median_days == expected and result["this_year"].median_days is None
