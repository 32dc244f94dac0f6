"""Data functions for complaints, their photos and their status history."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection
from sqlmodel import Session, col, select

from storage.codes import new_code
from storage.media import StoredPhoto
from storage.models import Complaint, ComplaintStatus, Photo, Reporter, StatusChange
from storage.prepared import Prepared, insert_row
from storage.rows import detached

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
    kelurahan: str | None = None
    kecamatan: str | None = None
    outside_area: bool = False


_COMPLAINT: sa.Table = Complaint.__table__  # type: ignore[attr-defined]
# Every column but the key, unset: what a new complaint does not have yet (feedback, closing...) is
# given as None, so the object returned holds every value and the ORM never reads one back.
_EMPTY_ROW: dict[str, Any] = dict.fromkeys(c.name for c in _COMPLAINT.columns if c.name != "id")
_CODE_TAKEN = Prepared(sa.select(_COMPLAINT.c.id).where(_COMPLAINT.c.code == sa.bindparam("code")))
_INSERT_COMPLAINT = insert_row(_COMPLAINT)
_PHOTO: sa.Table = Photo.__table__  # type: ignore[attr-defined]
_STATUS: sa.Table = StatusChange.__table__  # type: ignore[attr-defined]
_INSERT_PHOTO = insert_row(_PHOTO)
_INSERT_STATUS = insert_row(_STATUS)


def file_complaint(
    connection: Connection, *, reporter: Reporter, report: NewComplaint, prefix: str, now: datetime,
    starting: Mapping[str, Any] | None = None,
) -> Complaint:
    """File a complete report as `received`, with its photos and first history entry.

    `starting` holds other columns the complaint starts with (its deadlines). Plain statements: filing
    is on every report's path. Should another process take the same code between the check and the
    insert, the IntegrityError rolls the turn back and the engine retries it. The complaint returned
    holds every column and belongs to no session.
    """
    assert reporter.id is not None
    for _attempt in range(CODE_ATTEMPTS):
        code = new_code(prefix)
        if _CODE_TAKEN.first(connection, {"code": code}) is not None:
            continue
        values: dict[str, Any] = {
            **_EMPTY_ROW, **(starting or {}), "code": code, "reporter_id": reporter.id,
            "channel": reporter.channel, "status": ComplaintStatus.RECEIVED.value, "privacy": report.privacy,
            "name": report.name, "address": report.address, "latitude": report.latitude,
            "longitude": report.longitude, "location_source": report.location_source,
            "description": report.description, "category": report.category, "locale": reporter.locale,
            "agency_id": None, "created_at": now, "updated_at": now, "kelurahan": report.kelurahan,
            "kecamatan": report.kecamatan, "outside_area": report.outside_area, "reporters_count": 1,
        }
        values["id"] = complaint_id = _INSERT_COMPLAINT.insert(connection, values)
        for position, photo in enumerate(report.photos, start=1):
            _INSERT_PHOTO.run(connection, {
                "complaint_id": complaint_id, "position": position, "path": photo.path, "width": photo.width,
                "height": photo.height, "size_bytes": photo.size_bytes, "sha256": photo.sha256,
                "created_at": now})
        _INSERT_STATUS.run(connection, {
            "complaint_id": complaint_id, "from_status": None, "to_status": values["status"], "note": None,
            "public": True, "actor": f"reporter:{reporter.id}", "created_at": now})
        return detached(Complaint, values)
    raise RuntimeError("no free tracking code found; widen the code space")


def find_complaint(session: Session, *, code: str) -> Complaint | None:
    """The complaint with this canonical code."""
    return session.exec(select(Complaint).where(Complaint.code == code)).first()


def open_page(
    session: Session, *, statuses: Sequence[str], agency_only: bool, agency_id: int | None, offset: int,
    limit: int, holder_id: int | None = None, areas: Sequence[str] = (),
) -> tuple[int, list[Complaint]]:
    """How many complaints have one of `statuses` (of one agency, or all), and one page of them: those
    reported by several residents first (most first), then the rest oldest first.

    Each status is read in its own index order and the heads are merged here: an `IN` over statuses
    would make the database sort every open complaint to show ten. The complaints several residents
    reported are few; they are read through (status, reporters_count) and put first. `holder_id` keeps
    one operator's, `areas` those of a kelurahan or kecamatan (spelled as stored).
    """
    scope: list[Any] = [Complaint.agency_id == agency_id] if agency_only else []
    if holder_id is not None:
        scope.append(Complaint.holder_id == holder_id)
    if areas:
        scope.append(sa.or_(col(Complaint.kelurahan).in_(areas), col(Complaint.kecamatan).in_(areas)))
    total = session.exec(select(sa.func.count()).select_from(Complaint).where(
        col(Complaint.status).in_(statuses), *scope)).one()
    repeated: list[tuple[int, datetime, int]] = []
    heads: list[tuple[datetime, int]] = []
    for status in statuses:
        several = select(Complaint.reporters_count, Complaint.created_at, Complaint.id).where(
            Complaint.status == status, col(Complaint.reporters_count) > 1, *scope)
        repeated.extend((-n, at, key) for n, at, key in session.exec(several) if key is not None)
        heads.extend((at, key) for at, key in session.exec(
            select(Complaint.created_at, Complaint.id).where(Complaint.status == status, *scope)
            .order_by(col(Complaint.created_at), col(Complaint.id)).limit(offset + limit + len(repeated)))
            if key is not None)
    first = [key for _n, _at, key in sorted(repeated)]
    chosen = set(first)
    ordered = first + [key for _at, key in sorted(heads) if key not in chosen]
    ids = ordered[offset:offset + limit]
    if not ids:
        return total, []
    found = {c.id: c for c in session.exec(select(Complaint).where(col(Complaint.id).in_(ids)))}
    return total, [found[key] for key in ids]


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
