"""Figures about how complaints are served: the reporters' average rating and the overdue count."""

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


def average_rating(session: Session, *, start: datetime | None, end: datetime, agency_id: int | None,
                   agency_only: bool) -> tuple[float | None, int]:
    """The mean 1–5 rating of the complaints received in the period, and how many were rated."""
    query = _scoped(select(func.avg(Complaint.rating), func.count(col(Complaint.rating))),
                    start=start, end=end, agency_id=agency_id, agency_only=agency_only)
    mean, count = session.exec(query).one()
    return (float(mean) if mean is not None else None), int(count)


def overdue_count(session: Session, *, start: datetime | None, end: datetime, agency_id: int | None,
                  agency_only: bool, now: datetime) -> int:
    """How many complaints of the period are open past their running deadline."""
    query = _scoped(select(func.count()).select_from(Complaint).where(
        col(Complaint.status).in_([s.value for s in OPEN]), col(Complaint.deadline_at) <= now),
        start=start, end=end, agency_id=agency_id, agency_only=agency_only)
    return int(session.exec(query).one())
