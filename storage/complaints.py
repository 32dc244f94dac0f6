"""Data functions for complaints, their photos and their status history."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from storage.codes import new_code
from storage.media import StoredPhoto
from storage.models import Complaint, ComplaintStatus, Photo, Reporter, StatusChange

CODE_ATTEMPTS = 20


@dataclass(frozen=True, slots=True)
class NewComplaint:
    """What a complete report holds when it is filed."""

    name: str
    address: str | None
    latitude: float | None
    longitude: float | None
    location_source: str | None
    description: str
    category: str
    privacy: str
    photos: Sequence[StoredPhoto]


def _code_taken(session: Session, code: str) -> bool:
    return session.exec(select(Complaint.id).where(Complaint.code == code)).first() is not None


def file_complaint(
    session: Session, *, reporter: Reporter, report: NewComplaint, prefix: str, now: datetime
) -> Complaint:
    """File a complete report as `received`, with its photos and first history entry."""
    assert reporter.id is not None
    for _attempt in range(CODE_ATTEMPTS):
        code = new_code(prefix)
        if _code_taken(session, code):
            continue
        complaint = Complaint(
            code=code, reporter_id=reporter.id, channel=reporter.channel,
            status=ComplaintStatus.RECEIVED.value, privacy=report.privacy, name=report.name,
            address=report.address, latitude=report.latitude, longitude=report.longitude,
            location_source=report.location_source, description=report.description,
            category=report.category, locale=reporter.locale, created_at=now, updated_at=now,
        )
        try:
            with session.begin_nested():
                session.add(complaint)
                session.flush()
        except IntegrityError:  # another process took the code between the check and the insert
            continue
        assert complaint.id is not None
        for position, photo in enumerate(report.photos, start=1):
            session.add(Photo(complaint_id=complaint.id, position=position, path=photo.path,
                              width=photo.width, height=photo.height,
                              size_bytes=photo.size_bytes, sha256=photo.sha256, created_at=now))
        session.add(StatusChange(complaint_id=complaint.id, from_status=None,
                                 to_status=complaint.status, note=None, public=True,
                                 actor=f"reporter:{reporter.id}", created_at=now))
        session.flush()
        return complaint
    raise RuntimeError("no free tracking code found; widen the code space")


def find_complaint(session: Session, *, code: str) -> Complaint | None:
    """The complaint with this canonical code."""
    return session.exec(select(Complaint).where(Complaint.code == code)).first()


def complaints_of(session: Session, *, reporter_id: int, limit: int = 10) -> list[Complaint]:
    """The reporter's latest complaints, newest first."""
    return list(session.exec(
        select(Complaint).where(Complaint.reporter_id == reporter_id)
        .order_by(col(Complaint.id).desc()).limit(limit)
    ))


def history_of(session: Session, *, complaint_id: int) -> list[StatusChange]:
    """A complaint's status changes, oldest first."""
    return list(session.exec(
        select(StatusChange).where(StatusChange.complaint_id == complaint_id)
        .order_by(col(StatusChange.id))
    ))


def photos_of(session: Session, *, complaint_id: int) -> list[Photo]:
    """A complaint's photos in the order they were sent."""
    return list(session.exec(
        select(Photo).where(Photo.complaint_id == complaint_id).order_by(col(Photo.position))
    ))
