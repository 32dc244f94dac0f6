"""/statistik: the figures the seed articles report, for a period."""

from __future__ import annotations

import re
from collections import Counter
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from handlers import categories
from handlers.deadlines import calendar
from handlers.i18n import _
from handlers.messages import Reply
from handlers.numbers import decimal, percent
from handlers.operators.stats_figures import area_lines, service_lines
from handlers.operators.views import is_admin
from handlers.period_figures import largest_first, period_figures
from handlers.turn import Turn
from storage.models import Operator
from storage.statistics import Scope, areas


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
    figures = period_figures(turn.connection, scope, turn.config.timezone, calendar(turn.config))
    total = figures.received
    if not total:
        return [Reply(_("No complaints received in {period}.").format(period=label))]
    lines = [
        _("Statistics for {period}").format(period=label),
        _("Received: {n}").format(n=total),
        _("Completed: {n} ({pct})").format(n=figures.completed, pct=percent(figures.completed / total)),
        _("In process: {n}").format(n=figures.in_process),
        _("Archived: {n}").format(n=figures.archived),
    ]
    if figures.median_days is not None:
        lines.append(_("Median working days to resolution: {days}").format(days=decimal(figures.median_days)))
    lines += service_lines(turn, operator, start, end)
    lines += ["", _("By category:")]
    lines += [f"• {categories.label(category)}: {count}" for category, count in figures.by_category]
    unforwarded = _("not yet forwarded")
    by_agency = Counter({code or unforwarded: count for code, count in figures.by_agency})
    lines += ["", _("By agency:")] + [f"• {code}: {count}" for code, count in largest_first(by_agency)]
    lines += area_lines(areas(turn.connection, scope, turn.config.timezone))
    return [Reply("\n".join(lines))]
