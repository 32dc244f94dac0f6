"""/statistik: the figures the seed articles report, for a period."""

from __future__ import annotations

import re
from collections import Counter
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlmodel import select

from handlers import categories
from handlers.deadlines import calendar
from handlers.i18n import _
from handlers.messages import Reply
from handlers.numbers import decimal, percent
from handlers.operators.stats_figures import area_lines, service_lines
from handlers.operators.views import is_admin
from handlers.turn import Turn
from handlers.workdays import WorkCalendar
from storage.lifecycle import OPEN
from storage.models import Agency, ComplaintStatus, Operator
from storage.statistics import Resolutions, Scope, areas, resolutions, tally


def period_bounds(text: str, now: datetime, timezone: str) -> tuple[datetime | None, datetime, str] | None:
    """The start, end and label of a period: `2024`, `2024-08`, `30d`, `semua`/`all`; this year by default."""
    local = now.astimezone(ZoneInfo(timezone))
    text = text.strip().lower()
    if text in {"semua", "all"}:
        return None, now, _("all time")
    if match := re.fullmatch(r"(\d{1,4})d", text):
        days = int(match.group(1))
        return now - timedelta(days=days), now, _("last {n} days").format(n=days)
    if not text:
        year, month = local.year, None
    elif match := re.fullmatch(r"(20\d\d)(?:-(\d\d))?", text):
        year, month = int(match.group(1)), int(match.group(2)) if match.group(2) else None
    else:
        return None
    if month is not None and not 1 <= month <= 12:
        return None
    start = local.replace(year=year, month=month or 1, day=1, hour=0, minute=0, second=0, microsecond=0)
    if month is None:
        end = start.replace(year=year + 1)
    else:
        end = start.replace(year=year + (month == 12), month=month % 12 + 1)
    return start, min(end, now), f"{year}-{month:02d}" if month else str(year)


def stats(turn: Turn, operator: Operator, args: str) -> list[Reply]:
    """Received, completed %, in process, archived, by category and agency, median days to resolution."""
    bounds = period_bounds(args, turn.now, turn.config.timezone)
    if bounds is None:
        return [Reply(_("Usage: /statistik [2024 | 2024-08 | 30d | semua]"))]
    start, end, label = bounds
    scope = Scope(start=start, end=end, agency_only=not is_admin(operator), agency_id=operator.agency_id)
    rows = tally(turn.connection, scope, turn.config.timezone)
    total = sum(n for *_key, n in rows)
    if not total:
        return [Reply(_("No complaints received in {period}.").format(period=label))]
    status: Counter[str] = Counter()
    by_category: Counter[str] = Counter()
    by_agency_id: Counter[int | None] = Counter()
    for state, category, agency_id, n in rows:
        status[state] += n
        by_category[category] += n
        by_agency_id[agency_id] += n
    resolved = status[ComplaintStatus.RESOLVED] + status[ComplaintStatus.CLOSED]
    lines = [
        _("Statistics for {period}").format(period=label),
        _("Received: {n}").format(n=total),
        _("Completed: {n} ({pct})").format(n=resolved, pct=percent(resolved / total)),
        _("In process: {n}").format(n=sum(status[s] for s in OPEN)),
        _("Archived: {n}").format(n=status[ComplaintStatus.ARCHIVED]),
    ]
    median = median_working_days(resolutions(turn.connection, scope, turn.config.timezone),
                                 calendar(turn.config))
    if median is not None:
        lines.append(_("Median working days to resolution: {days}").format(days=decimal(median)))
    lines += service_lines(turn, operator, start, end)
    lines += ["", _("By category:")]
    lines += [f"• {categories.label(category)}: {count}" for category, count in _largest_first(by_category)]
    codes = {a.id: a.code for a in turn.session.exec(select(Agency))}
    unforwarded = _("not yet forwarded")
    by_agency: Counter[str] = Counter()
    for agency_id, count in by_agency_id.items():
        by_agency[codes.get(agency_id, "-") if agency_id else unforwarded] += count
    lines += ["", _("By agency:")] + [f"• {code}: {count}" for code, count in _largest_first(by_agency)]
    lines += area_lines(areas(turn.connection, scope, turn.config.timezone))
    return [Reply("\n".join(lines))]


def _largest_first(counts: Counter[str]) -> list[tuple[str, int]]:
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
