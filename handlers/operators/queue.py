"""The operator's queue: open complaints, oldest first, with their age and deadline flags."""

from __future__ import annotations

from handlers import categories
from handlers.deadlines import calendar
from handlers.i18n import _, ngettext
from handlers.messages import Button, Reply
from handlers.notices import day_text
from handlers.operators.status_words import ALL, known_words, parse_status
from handlers.operators.views import is_admin
from handlers.prompts import status_label
from handlers.turn import Turn
from storage.complaints import open_page
from storage.lifecycle import OPEN
from storage.models import Complaint, Operator

PAGE = 10


def deadline_flag(turn: Turn, complaint: Complaint) -> str:
    """“overdue” past the running deadline, “due …” on its last working day, else nothing."""
    due = complaint.deadline_at
    if due is None:
        return ""
    if turn.now >= due:
        return " · " + _("⚠️ overdue since {date}").format(date=day_text(due, turn.config.timezone))
    if complaint.deadline_remind_at is not None and turn.now >= complaint.deadline_remind_at:
        return " · " + _("⏰ due {date}").format(date=day_text(due, turn.config.timezone))
    return ""


def queue(turn: Turn, operator: Operator, status: str = "", page: int = 0) -> Reply:
    """One page of the operator's open complaints, optionally of one status."""
    parsed = parse_status(status)
    if parsed is None:
        return Reply(_("Unknown status “{status}”. Use one of: {names}.").format(status=status,
                                                                              names=known_words()))
    wanted = [s.value for s in OPEN] if parsed == ALL else [parsed]
    total, rows = open_page(turn.session, statuses=wanted, agency_only=not is_admin(operator),
                            agency_id=operator.agency_id, offset=page * PAGE, limit=PAGE)
    if not rows:
        return Reply(_("The queue is empty. 🎉") if page == 0 else _("No more complaints."))
    lines = [_("Queue ({total} open, oldest first):").format(total=total)]
    days = calendar(turn.config)
    for complaint in rows:
        age = days.working_days_between(complaint.created_at, turn.now)
        lines.append(f"• {complaint.code} · {status_label(complaint.status)} · "
                     f"{categories.label(complaint.category)} · "
                     + ngettext("{n} working day", "{n} working days", age).format(n=age)
                     + deadline_flag(turn, complaint))
    lines.append(_("Open one with /lihat CODE."))
    nav: list[Button] = []
    key = parsed
    if page > 0:
        nav.append(Button(_("◀️ Previous"), f"opq:{key}:{page - 1}"))
    if (page + 1) * PAGE < total:
        nav.append(Button(_("Next ▶️"), f"opq:{key}:{page + 1}"))
    return Reply("\n".join(lines), buttons=(tuple(nav),) if nav else ())
