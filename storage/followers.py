"""Residents who follow a complaint they reported again, and what they sent about it."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlmodel import Session, col, select

from storage.media import StoredPhoto
from storage.models import Complaint, Photo, Reporter
from storage.models_desk import ComplaintFollower, SupportingReport


def is_following(session: Session, *, complaint_id: int, reporter_id: int) -> bool:
    """Whether the reporter follows the complaint already."""
    return session.exec(select(ComplaintFollower.id).where(
        ComplaintFollower.complaint_id == complaint_id,
        ComplaintFollower.reporter_id == reporter_id)).first() is not None


def follow(
    session: Session, *, complaint: Complaint, reporter_id: int, name: str, description: str,
    photos: Sequence[StoredPhoto], latitude: float | None, longitude: float | None, now: datetime,
    source_code: str | None = None,
) -> bool:
    """Make the reporter a follower and keep their report as a supporting one; False if nothing new.

    The complaint's own reporter and existing followers only add their supporting report.
    """
    assert complaint.id is not None
    session.add(SupportingReport(
        complaint_id=complaint.id, reporter_id=reporter_id, name=name, description=description,
        latitude=latitude, longitude=longitude, source_code=source_code, created_at=now,
        photos=[{"path": p.path, "width": p.width, "height": p.height, "size_bytes": p.size_bytes,
                 "sha256": p.sha256} for p in photos]))
    if reporter_id == complaint.reporter_id or is_following(
            session, complaint_id=complaint.id, reporter_id=reporter_id):
        session.flush()
        return False
    session.add(ComplaintFollower(complaint_id=complaint.id, reporter_id=reporter_id, created_at=now))
    complaint.reporters_count = (complaint.reporters_count or 1) + 1
    complaint.updated_at = now
    session.add(complaint)
    session.flush()
    return True


def followers_of(session: Session, *, complaint_id: int) -> list[Reporter]:
    """The residents following a complaint, in the order they joined."""
    return list(session.exec(
        select(Reporter).join(ComplaintFollower, col(ComplaintFollower.reporter_id) == col(Reporter.id))
        .where(ComplaintFollower.complaint_id == complaint_id).order_by(col(ComplaintFollower.id))))


def followed_by(session: Session, *, reporter_id: int, limit: int = 10) -> list[Complaint]:
    """The complaints a resident follows, the latest followed first."""
    return list(session.exec(
        select(Complaint).join(ComplaintFollower, col(ComplaintFollower.complaint_id) == col(Complaint.id))
        .where(ComplaintFollower.reporter_id == reporter_id).order_by(col(ComplaintFollower.id).desc())
        .limit(limit)))


def supporting_reports(session: Session, *, complaint_id: int) -> list[SupportingReport]:
    """What followers sent about a complaint, oldest first."""
    return list(session.exec(select(SupportingReport).where(SupportingReport.complaint_id == complaint_id)
                             .order_by(col(SupportingReport.id))))


def merge_into(session: Session, *, source: Complaint, target: Complaint, now: datetime) -> list[Reporter]:
    """Make the reporter and followers of `source` follow `target`; the residents newly following.

    The source's description and photos become a supporting report of the target.
    """
    assert source.id is not None and target.id is not None
    photos = [StoredPhoto(path=p.path, width=p.width, height=p.height, size_bytes=p.size_bytes,
                          sha256=p.sha256)
              for p in session.exec(select(Photo).where(Photo.complaint_id == source.id)
                                    .order_by(col(Photo.position)))]
    moved: list[Reporter] = []
    reporter = session.get(Reporter, source.reporter_id)
    if reporter is not None and follow(
            session, complaint=target, reporter_id=source.reporter_id, name=source.name,
            description=source.description, photos=photos, latitude=source.latitude,
            longitude=source.longitude, now=now, source_code=source.code):
        moved.append(reporter)
    for follower in followers_of(session, complaint_id=source.id):
        assert follower.id is not None
        if follower.id == target.reporter_id or is_following(
                session, complaint_id=target.id, reporter_id=follower.id):
            continue
        session.add(ComplaintFollower(complaint_id=target.id, reporter_id=follower.id, created_at=now))
        target.reporters_count = (target.reporters_count or 1) + 1
        moved.append(follower)
    session.add(target)
    session.flush()
    return moved
