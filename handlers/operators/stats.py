"""/statistik: the figures the seed articles report, for a period."""

from __future__ import annotations

import re
import statistics
from collections import Counter
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlmodel import col, select

from handlers import categories
from handlers.deadlines import calendar
from handlers.i18n import _
from handlers.messages import Reply
from handlers.numbers import decimal, percent
from handlers.operators.stats_figures import service_lines
from handlers.operators.views import is_admin
from handlers.turn import Turn
from storage.lifecycle import OPEN
from storage.models import Agency, Complaint, ComplaintStatus, Operator, StatusChange


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
    query = select(Complaint).where(col(Complaint.created_at) < end)
    if start is not None:
        query = query.where(col(Complaint.created_at) >= start)
    if not is_admin(operator):
        query = query.where(Complaint.agency_id == operator.agency_id)
    complaints = list(turn.session.exec(query))
    total = len(complaints)
    if not total:
        return [Reply(_("No complaints received in {period}.").format(period=label))]
    status = Counter(c.status for c in complaints)
    resolved = status[ComplaintStatus.RESOLVED] + status[ComplaintStatus.CLOSED]
    lines = [
        _("Statistics for {period}").format(period=label),
        _("Received: {n}").format(n=total),
        _("Completed: {n} ({pct})").format(n=resolved, pct=percent(resolved / total)),
        _("In process: {n}").format(n=sum(status[s] for s in OPEN)),
        _("Archived: {n}").format(n=status[ComplaintStatus.ARCHIVED]),
    ]
    days = _days_to_resolution(turn, complaints)
    if days:
        lines.append(_("Median working days to resolution: {days}").format(
            days=decimal(statistics.median(days))))
    lines += service_lines(turn, operator, start, end)
    lines += ["", _("By category:")]
    for category, count in Counter(c.category for c in complaints).most_common():
        lines.append(f"• {categories.label(category)}: {count}")
    agencies = {a.id: a.code for a in turn.session.exec(select(Agency))}
    unforwarded = _("not yet forwarded")
    by_agency = Counter(agencies.get(c.agency_id, "-") if c.agency_id else unforwarded for c in complaints)
    lines += ["", _("By agency:")] + [f"• {code}: {count}" for code, count in by_agency.most_common()]
    return [Reply("\n".join(lines))]


def _days_to_resolution(turn: Turn, complaints: list[Complaint]) -> list[int]:
    ids = [c.id for c in complaints if c.status in {ComplaintStatus.RESOLVED, ComplaintStatus.CLOSED}]
    if not ids:
        return []
    created = {c.id: c.created_at for c in complaints}
    resolved_at: dict[int, datetime] = {}
    for change in turn.session.exec(select(StatusChange).where(
            col(StatusChange.complaint_id).in_(ids), StatusChange.to_status == ComplaintStatus.RESOLVED.value)
            .order_by(col(StatusChange.id))):
        resolved_at[change.complaint_id] = change.created_at
    days = calendar(turn.config)
    return [days.working_days_between(created[cid], at) for cid, at in resolved_at.items()]
