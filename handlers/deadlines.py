"""Deadlines in working days, kept on the complaint: verification, the agency's follow-up, feedback."""

from __future__ import annotations

from datetime import datetime, time
from typing import Any

from sqlmodel import Session, col, select

from handlers.turn import FlowConfig
from handlers.workdays import QuietHours, WorkCalendar
from storage.models import Complaint, ComplaintStatus, StatusChange

MORNING = time(9, 0)
OPEN = {ComplaintStatus.RECEIVED, ComplaintStatus.VERIFIED, ComplaintStatus.IN_PROGRESS,
        ComplaintStatus.NEEDS_INFO, ComplaintStatus.REOPENED}
# Each running deadline: the statuses it runs in, the status whose latest entry starts it, its length.
VERIFY = "verify"
FOLLOWUP = "followup"


def calendar(config: FlowConfig) -> WorkCalendar:
    """The working-day calendar of the service."""
    return WorkCalendar(config.timezone, config.local_holidays)


def quiet_hours(config: FlowConfig) -> QuietHours:
    """The quiet hours of the service."""
    return QuietHours(config.timezone, *config.quiet_hours)


def _entered(session: Session, complaint: Complaint, statuses: set[str]) -> datetime:
    """When the complaint last entered one of `statuses` (its filing time when the history is silent)."""
    assert complaint.id is not None
    moment = session.exec(
        select(StatusChange.created_at).where(StatusChange.complaint_id == complaint.id,
                                              col(StatusChange.to_status).in_(statuses))
        .order_by(col(StatusChange.id).desc()).limit(1)
    ).first()
    return moment or complaint.created_at


def filing_deadlines(now: datetime, config: FlowConfig) -> dict[str, Any]:
    """The deadline columns of a complaint received `now`: what `refresh_deadlines` gives it then."""
    cal = calendar(config)
    due = cal.add_working_days(now, config.verify_days)
    return {"deadline_kind": VERIFY, "deadline_at": due,
            "deadline_remind_at": cal.morning_of_last_day(due, MORNING),
            "next_update_at": next_update(now, config)}


def refresh_deadlines(session: Session, complaint: Complaint, now: datetime, *, config: FlowConfig) -> None:
    """Recompute the complaint's running deadline, periodic update and feedback dates from its history.

    Received or reopened: verification and forwarding within `verify_days` working days.
    Verified (forwarded): the agency follows up within `followup_days` working days.
    Resolved: the reporter has `feedback_days` working days to answer before the complaint closes.
    """
    cal = calendar(config)
    status = complaint.status
    kind: str | None = None
    due: datetime | None = None
    if status in {ComplaintStatus.RECEIVED, ComplaintStatus.REOPENED}:
        kind = VERIFY
        due = cal.add_working_days(_entered(session, complaint, {status}), config.verify_days)
    elif status == ComplaintStatus.VERIFIED:
        kind = FOLLOWUP
        due = cal.add_working_days(_entered(session, complaint, {status}), config.followup_days)
    if (kind, due) != (complaint.deadline_kind, complaint.deadline_at):
        complaint.deadline_kind, complaint.deadline_at = kind, due
        complaint.deadline_remind_at = cal.morning_of_last_day(due, MORNING) if due else None
    if status in OPEN:
        complaint.next_update_at = next_update(now, config)
    else:
        complaint.next_update_at = None
    if status == ComplaintStatus.RESOLVED:
        resolved = _entered(session, complaint, {status})
        complaint.resolved_at = resolved
        complaint.feedback_due_at = cal.add_working_days(resolved, config.feedback_days)
    else:
        complaint.feedback_due_at = None
    session.add(complaint)


def next_update(after: datetime, config: FlowConfig) -> datetime:
    """When the next periodic update is due: the morning `status_update_every_days` working days on."""
    cal = calendar(config)
    return cal.morning_of_last_day(cal.add_working_days(after, config.status_update_every_days), MORNING)


def expected_by(complaint: Complaint) -> datetime | None:
    """The last moment of the running deadline, for telling the reporter when to expect news."""
    return complaint.deadline_at
