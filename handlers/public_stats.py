"""The public statistics: received, completed %, in process, archived, by category and agency, median days."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta

from handlers.workdays import WorkCalendar
from storage.lifecycle import OPEN
from storage.models import ComplaintStatus
from storage.public_stats import EARLIER, LAST_YEAR, THIS_YEAR, CountRow, ResolutionRow

PERIODS = {"this_year": (THIS_YEAR,), "last_year": (LAST_YEAR,), "all_time": (THIS_YEAR, LAST_YEAR, EARLIER)}
DONE = frozenset({ComplaintStatus.RESOLVED, ComplaintStatus.CLOSED})


@dataclass(frozen=True)
class Figures:
    """The figures of one period, as the seed articles quote them."""

    received: int = 0
    completed: int = 0
    in_process: int = 0
    archived: int = 0
    median_days: float | None = None
    by_category: list[tuple[str, int]] = field(default_factory=list)
    by_agency: list[tuple[str | None, int]] = field(default_factory=list)

    @property
    def completed_pct(self) -> float:
        """The share completed, in percent (0 when nothing was received)."""
        return 100 * self.completed / self.received if self.received else 0.0


def figures(counts: Iterable[CountRow], resolutions: Iterable[ResolutionRow],
            calendar: WorkCalendar) -> dict[str, Figures]:
    """This year's, last year's and all time's figures from the grouped rows."""
    counts, resolutions = list(counts), list(resolutions)
    days = _working_days(calendar, resolutions)
    result = {}
    for name, periods in PERIODS.items():
        rows = [r for r in counts if r.period in periods]
        status: Counter[str] = Counter()
        category: Counter[str] = Counter()
        agency: Counter[str | None] = Counter()
        for row in rows:
            status[row.status] += row.count
            category[row.category] += row.count
            agency[row.agency] += row.count
        spans: Counter[int] = Counter()
        for r in resolutions:
            if r.period in periods:
                spans[days(r.received, r.resolved)] += r.count
        result[name] = Figures(
            received=sum(status.values()), completed=sum(status[s] for s in DONE),
            in_process=sum(status[s] for s in OPEN), archived=status[ComplaintStatus.ARCHIVED],
            median_days=_median(spans), by_category=category.most_common(),
            by_agency=sorted(agency.items(), key=lambda item: (-item[1], item[0] or "")))
    return result


def _working_days(calendar: WorkCalendar, rows: list[ResolutionRow]) -> _DayCounter:
    if not rows:
        return _DayCounter(date.today(), [])
    first = min(r.received for r in rows)
    last = max(max(r.resolved for r in rows), first)
    prefix, total = [], 0
    for n in range((last - first).days + 1):
        total += calendar.is_working_day(first + timedelta(days=n))
        prefix.append(total)
    return _DayCounter(first, prefix)


class _DayCounter:
    """Working days between two dates from running totals: what `working_days_between` counts."""

    def __init__(self, first: date, prefix: list[int]) -> None:
        self.first, self.prefix = first, prefix

    def __call__(self, start: date, end: date) -> int:
        if end <= start:
            return 0
        return self.prefix[(end - self.first).days] - self.prefix[(start - self.first).days]


def _median(spans: Counter[int]) -> float | None:
    total = sum(spans.values())
    if not total:
        return None
    ordered = sorted((value, n) for value, n in spans.items() if n)
    lower, upper = _nth(ordered, (total - 1) // 2), _nth(ordered, total // 2)
    return (lower + upper) / 2


def _nth(ordered: list[tuple[int, int]], index: int) -> int:
    seen = 0
    for value, n in ordered:
        seen += n
        if index < seen:
            return value
    raise IndexError(index)
