"""The figures both /statistik pages give for a period, added up from the tallies (storage/statistics.py).

Received counts every complaint; completed, the resolved and closed ones; in process, the open ones;
archived, the archived ones; the median counts working days from the local day received to the local day
resolved (the day after receipt is the first), of the resolved and closed complaints with a resolution time.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy.engine import Connection

from handlers.workdays import WorkCalendar
from storage.lifecycle import OPEN
from storage.models import ComplaintStatus
from storage.operators import agency_codes
from storage.statistics import Resolutions, Scope, resolutions, tally

DONE = (ComplaintStatus.RESOLVED, ComplaintStatus.CLOSED)


@dataclass(frozen=True)
class PeriodFigures:
    """Received, completed, in process, archived, the median working days, by category and by agency.

    `by_category` is largest first (ties by key); `by_agency` by agency code (None: not yet forwarded),
    largest first, ties by code with None first.
    """

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


def period_figures(connection: Connection, scope: Scope, timezone: str, days: WorkCalendar) -> PeriodFigures:
    """The figures of the complaints received in `scope` (its agency's, or every agency's)."""
    status: Counter[str] = Counter()
    by_category: Counter[str] = Counter()
    by_agency_id: Counter[int | None] = Counter()
    for state, category, agency_id, n in tally(connection, scope, timezone):
        status[state] += n
        by_category[category] += n
        by_agency_id[agency_id] += n
    codes = agency_codes(connection) if by_agency_id.keys() - {None} else {}
    by_agency: Counter[str | None] = Counter()
    for agency_id, n in by_agency_id.items():
        by_agency[None if agency_id is None else codes.get(agency_id, "-")] += n
    return PeriodFigures(
        received=sum(status.values()), completed=sum(status[s] for s in DONE),
        in_process=sum(status[s] for s in OPEN), archived=status[ComplaintStatus.ARCHIVED],
        median_days=median_working_days(resolutions(connection, scope, timezone), days),
        by_category=largest_first(by_category),
        by_agency=sorted(by_agency.items(), key=lambda item: (-item[1], item[0] or "")))


def largest_first(counts: Mapping[str, int]) -> list[tuple[str, int]]:
    """The counts, largest first, ties by key."""
    return sorted(counts.items(), key=lambda item: (-item[1], item[0]))


def median_working_days(resolved: Resolutions, days: WorkCalendar) -> float | None:
    """The median of working days from receipt to resolution, from complaints counted rather than listed.

    Same as `statistics.median` over one `working_days_between` per complaint: the tallied complaints
    come counted by working days already; to the day pairs the calendar is applied per pair (a running
    count of working days makes each pair one subtraction); the median is read off the counts.
    """
    counts = Counter(resolved.worked)
    pairs = resolved.pairs
    if pairs:
        first = min(received for received, _resolved, _n in pairs)
        last = max(max(received, done) for received, done, _n in pairs)
        running = [0]
        start = date.fromordinal(first)
        for offset in range(1, last - first + 1):
            running.append(running[-1] + days.is_working_day(start + timedelta(days=offset)))
        for received, done, n in pairs:
            counts[max(0, running[done - first] - running[received - first])] += n
    total = sum(counts.values())
    if not total:
        return None
    low, high = (total - 1) // 2, total // 2
    seen, found = 0, list[int]()
    for value in sorted(counts):  # the values at positions `low` and `high` of the sorted list
        seen += counts[value]
        while len(found) < 2 and seen > (low, high)[len(found)]:
            found.append(value)
    return found[0] if found[0] == found[1] else (found[0] + found[1]) / 2
