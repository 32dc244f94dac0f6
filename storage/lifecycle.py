"""The complaint state machine: which action may move a complaint from where to where, and by whom."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session

from storage.models import Complaint, ComplaintStatus, OperatorRole, Privacy, StatusChange

S = ComplaintStatus
OPEN = frozenset({S.RECEIVED, S.VERIFIED, S.IN_PROGRESS, S.NEEDS_INFO, S.REOPENED})
BOTH = frozenset({OperatorRole.ADMIN, OperatorRole.AGENCY})
ADMIN = frozenset({OperatorRole.ADMIN})


@dataclass(frozen=True)
class Action:
    """An operator action: the status it leads to, the statuses it starts from, who may take it."""

    target: ComplaintStatus
    sources: frozenset[ComplaintStatus]
    roles: frozenset[OperatorRole]


ACTIONS: dict[str, Action] = {
    "verify": Action(S.VERIFIED, frozenset({S.RECEIVED, S.VERIFIED, S.NEEDS_INFO, S.REOPENED}), ADMIN),
    "progress": Action(S.IN_PROGRESS, frozenset({S.VERIFIED, S.IN_PROGRESS, S.NEEDS_INFO, S.REOPENED}), BOTH),
    "needinfo": Action(S.NEEDS_INFO, frozenset({S.RECEIVED, S.VERIFIED, S.IN_PROGRESS, S.REOPENED}), BOTH),
    "resolve": Action(S.RESOLVED, frozenset({S.VERIFIED, S.IN_PROGRESS, S.NEEDS_INFO, S.REOPENED}), BOTH),
    "archive": Action(S.ARCHIVED, OPEN, ADMIN),
    "reopen": Action(S.REOPENED, frozenset({S.RESOLVED, S.ARCHIVED, S.CLOSED}), ADMIN),
}


def allowed(action: str, status: str) -> bool:
    """Whether `action` may be taken on a complaint in `status`."""
    return status in ACTIONS[action].sources


def change_status(
    session: Session, *, complaint: Complaint, to_status: ComplaintStatus, actor: str, note: str | None,
    public: bool, now: datetime,
) -> StatusChange:
    """Move the complaint and record who did it, when, the note, and whether the reporter sees it."""
    assert complaint.id is not None
    change = StatusChange(complaint_id=complaint.id, from_status=complaint.status, to_status=to_status.value,
                          note=note, public=public, actor=actor, created_at=now)
    complaint.status = to_status.value
    complaint.updated_at = now
    # LAPOR!'s rule: a report is published once verified and forwarded; a confidential one never.
    if (to_status == ComplaintStatus.VERIFIED and complaint.published_at is None
            and complaint.privacy != Privacy.CONFIDENTIAL):
        complaint.published_at = now
    session.add(complaint)
    session.add(change)
    session.flush()
    return change
