"""How many complaints are overdue now (the ratings are tallied: storage/statistics.py)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlmodel import Session, col, func, select

from storage.lifecycle import OPEN
from storage.models import Complaint


def _scoped(query: Any, *, start: datetime | None, end: datetime,
            agency_id: int | None, agency_only: bool) -> Any:
    query = query.where(col(Complaint.created_at) < end)
    if start is not None:
        query = query.where(col(Complaint.created_at) >= start)
    if agency_only:
        query = query.where(Complaint.agency_id == agency_id)
    return query


def overdue_count(session: Session, *, start: datetime | None, end: datetime, agency_id: int | None,
                  agency_only: bool, now: datetime) -> int:
    """How many complaints of the period are open past their running deadline."""
    query = _scoped(select(func.count()).select_from(Complaint).where(
        col(Complaint.status).in_([s.value for s in OPEN]), col(Complaint.deadline_at) <= now),
        start=start, end=end, agency_id=agency_id, agency_only=agency_only)
    return int(session.exec(query).one())
