"""The access log: every time an operator (or an export) was shown a complaint's personal data."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlmodel import Session, col, select

from storage.models import Complaint
from storage.privacy_records import AccessRecord

# What kind of personal data an action shows, as recorded.
FULL = ("name", "contact", "address", "location", "description", "photos")


def record_access(session: Session, *, complaint_ids: Iterable[int], actor: str, action: str,
                  data: Iterable[str], now: datetime) -> None:
    """Record that `actor` was shown `data` of these complaints by `action` (in the caller's transaction)."""
    kinds = ",".join(data)
    session.add_all([AccessRecord(complaint_id=complaint_id, actor=actor, action=action, data=kinds,
                                  created_at=now) for complaint_id in complaint_ids])


def access_log(session: Session, *, complaint_id: int) -> list[AccessRecord]:
    """Who was shown what of one complaint, oldest first."""
    return list(session.exec(select(AccessRecord).where(AccessRecord.complaint_id == complaint_id)
                             .order_by(col(AccessRecord.id))))


def complaint_ids(session: Session, *, codes: list[str]) -> list[int]:
    """The ids of the complaints with these codes (read in chunks: an export may hold thousands)."""
    found: list[int] = []
    for start in range(0, len(codes), 500):
        chunk = codes[start:start + 500]
        found += [i for i in session.exec(select(Complaint.id).where(col(Complaint.code).in_(chunk)))
                  if i is not None]
    return found
