"""Which personal data has outlived the retention period of the privacy notice."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.engine import Connection
from sqlmodel import col, func, select

from storage.models import Complaint, ComplaintStatus, Reporter, StatusChange

# A complaint's retention starts when it ends: closed, resolved (and not reopened) or archived.
ENDED = (ComplaintStatus.CLOSED.value, ComplaintStatus.RESOLVED.value, ComplaintStatus.ARCHIVED.value)


def retention_cutoff(now: datetime, years: int) -> datetime:
    """`now` moved `years` calendar years back (29 February falls back to the 28th)."""
    try:
        return now.replace(year=now.year - years)
    except ValueError:
        return now.replace(year=now.year - years, day=28)


def _ended_at() -> sa.ScalarSelect[datetime]:
    """When the complaint reached its current (ended) status: the time of its latest history step."""
    return (select(func.max(StatusChange.created_at)).where(StatusChange.complaint_id == Complaint.id)
            .correlate(Complaint).scalar_subquery())


def expired_complaints(connection: Connection, *, cutoff: datetime, limit: int,
                       skip: int = 0) -> list[tuple[int, str]]:
    """(id, code) of ended complaints not yet erased whose end lies before `cutoff`, oldest id first."""
    rows = connection.execute(
        select(Complaint.id, Complaint.code)
        .where(col(Complaint.status).in_(ENDED), col(Complaint.erased_at).is_(None), _ended_at() < cutoff)
        .order_by(col(Complaint.id)).offset(skip).limit(limit)).all()
    return [(complaint_id, code) for complaint_id, code in rows if complaint_id is not None]


def forgotten_reporters(connection: Connection, *, cutoff: datetime, limit: int, skip: int = 0) -> list[int]:
    """Residents silent since before `cutoff` with no complaint that still holds personal data."""
    kept = select(Complaint.id).where(Complaint.reporter_id == Reporter.id,
                                      col(Complaint.erased_at).is_(None))
    last_seen = func.coalesce(Reporter.last_inbound_at, Reporter.created_at)
    rows = connection.execute(
        select(Reporter.id).where(col(Reporter.erased_at).is_(None), last_seen < cutoff, ~kept.exists())
        .order_by(col(Reporter.id)).offset(skip).limit(limit)).scalars()
    return [reporter_id for reporter_id in rows if reporter_id is not None]
