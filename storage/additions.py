"""Data functions for what a reporter adds to a filed complaint, and the complaints it may go to."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlmodel import Session, col, func, select

from storage.lifecycle import OPEN
from storage.media import StoredPhoto
from storage.models import Complaint, ComplaintMessage, Photo


def open_complaints_of(session: Session, *, reporter_id: int, limit: int = 5) -> list[Complaint]:
    """The reporter's complaints still being handled, newest first."""
    return list(session.exec(select(Complaint).where(
        Complaint.reporter_id == reporter_id, col(Complaint.status).in_([s.value for s in OPEN]))
        .order_by(col(Complaint.id).desc()).limit(limit)))


def latest_complaint_of(session: Session, *, reporter_id: int) -> Complaint | None:
    """The reporter's most recently filed complaint."""
    return session.exec(select(Complaint).where(Complaint.reporter_id == reporter_id)
                        .order_by(col(Complaint.id).desc()).limit(1)).first()


def add_to_complaint(session: Session, *, complaint: Complaint, text: str | None,
                     photos: Sequence[StoredPhoto], now: datetime) -> ComplaintMessage:
    """Attach the reporter's photos (after the ones it has) and text, kept as a message from the reporter."""
    assert complaint.id is not None
    last = session.exec(select(func.max(Photo.position)).where(Photo.complaint_id == complaint.id)).one()
    for position, photo in enumerate(photos, start=(last or 0) + 1):
        session.add(Photo(complaint_id=complaint.id, position=position, path=photo.path, width=photo.width,
                          height=photo.height, size_bytes=photo.size_bytes, sha256=photo.sha256,
                          created_at=now))
    message = ComplaintMessage(complaint_id=complaint.id, from_reporter=True, text=text or "", created_at=now)
    session.add(message)
    complaint.updated_at = now
    session.add(complaint)
    session.flush()
    return message


def messages_of(session: Session, *, complaint_id: int) -> list[ComplaintMessage]:
    """The messages kept on a complaint, oldest first."""
    return list(session.exec(select(ComplaintMessage).where(ComplaintMessage.complaint_id == complaint_id)
                             .order_by(col(ComplaintMessage.id))))
