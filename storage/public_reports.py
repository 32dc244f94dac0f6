"""Published complaints as the public and other systems may read them: each read is one query."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from storage.models import Agency, Complaint, Photo, Privacy, StatusChange

_C: sa.Table = Complaint.__table__  # type: ignore[attr-defined]
_A: sa.Table = Agency.__table__  # type: ignore[attr-defined]
_S: sa.Table = StatusChange.__table__  # type: ignore[attr-defined]
_P: sa.Table = Photo.__table__  # type: ignore[attr-defined]


@dataclass(frozen=True, slots=True)
class PublicReport:
    """A published complaint's columns that may be shown, before the privacy rules are applied.

    The reporter's name and chat are not selected at all, so no code path can leak them from here.
    """

    code: str
    status: str
    privacy: str
    category: str
    description: str
    address: str | None
    latitude: float | None
    longitude: float | None
    created_at: datetime
    updated_at: datetime
    deadline_at: datetime | None
    published_at: datetime
    agency_code: str | None
    agency_name: str | None
    status_note: str | None
    photo_path: str | None


@dataclass(frozen=True, slots=True)
class PublicChange:
    """One step of a published complaint's history, with its note only when that note is public."""

    status: str
    note: str | None
    at: datetime


@dataclass(frozen=True, slots=True)
class ReportFilters:
    """What a list of published complaints may be narrowed by; empty means everything."""

    codes: Sequence[str] = ()
    categories: Sequence[str] = ()
    statuses: Sequence[str] = ()
    agency: str | None = None
    place: str | None = None
    start: datetime | None = None
    end: datetime | None = None


_LAST_NOTE = (sa.select(_S.c.note)
              .where(_S.c.complaint_id == _C.c.id, _S.c.public.is_(True), _S.c.note.is_not(None))
              .order_by(_S.c.id.desc()).limit(1).scalar_subquery())
_FIRST_PHOTO = (sa.select(_P.c.path).where(_P.c.complaint_id == _C.c.id)
                .order_by(_P.c.position).limit(1).scalar_subquery())
_REPORT_COLUMNS = (
    _C.c.code, _C.c.status, _C.c.privacy, _C.c.category, _C.c.description, _C.c.address, _C.c.latitude,
    _C.c.longitude, _C.c.created_at, _C.c.updated_at, _C.c.deadline_at, _C.c.published_at,
    _A.c.code.label("agency_code"), _A.c.name.label("agency_name"),
)
_FROM = _C.outerjoin(_A, _A.c.id == _C.c.agency_id)
# An erased complaint (the resident used their right to erasure) leaves the public pages; it still counts.
_PUBLISHED = sa.and_(_C.c.published_at.is_not(None), _C.c.erased_at.is_(None))


def _report(row: Any, note: str | None, photo: str | None) -> PublicReport:
    m = row._mapping
    return PublicReport(
        code=m["code"], status=m["status"], privacy=m["privacy"], category=m["category"],
        description=m["description"], address=m["address"], latitude=m["latitude"],
        longitude=m["longitude"], created_at=m["created_at"], updated_at=m["updated_at"],
        deadline_at=m["deadline_at"], published_at=m["published_at"], agency_code=m["agency_code"],
        agency_name=m["agency_name"], status_note=note, photo_path=photo)


def _where(query: sa.Select[Any], filters: ReportFilters) -> sa.Select[Any]:
    query = query.where(_PUBLISHED)
    if filters.codes:
        query = query.where(_C.c.code.in_(list(filters.codes)))
    if filters.categories:
        query = query.where(_C.c.category.in_(list(filters.categories)))
    if filters.statuses:
        query = query.where(_C.c.status.in_(list(filters.statuses)))
    if filters.agency:
        query = query.where(_A.c.code == filters.agency.strip().upper())
    if filters.place:
        escaped = filters.place.strip().lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        # An anonymous report's address is never shown, so it must not be searchable either.
        query = query.where(sa.func.lower(_C.c.address).like(f"%{escaped}%", escape="\\"),
                            _C.c.privacy != Privacy.ANONYMOUS.value)
    if filters.start is not None:
        query = query.where(_C.c.created_at >= filters.start)
    if filters.end is not None:
        query = query.where(_C.c.created_at <= filters.end)
    return query


def published_reports(connection: Connection, *, filters: ReportFilters, limit: int,
                      offset: int = 0) -> list[PublicReport]:
    """Published complaints matching `filters`, newest first, with their last public note and first photo."""
    query = _where(sa.select(*_REPORT_COLUMNS, _LAST_NOTE.label("note"), _FIRST_PHOTO.label("photo"))
                   .select_from(_FROM), filters)
    query = query.order_by(_C.c.created_at.desc()).limit(limit).offset(offset)
    # The columns are selected in the dataclass's order: a row becomes a report without name lookups.
    return [PublicReport(*row) for row in connection.execute(query)]


def published_report(connection: Connection, *, code: str) -> tuple[PublicReport, list[PublicChange]] | None:
    """One published complaint with its history, in a single query (one row per history step)."""
    photo = _FIRST_PHOTO.label("photo")
    query = (sa.select(*_REPORT_COLUMNS, photo, _S.c.id.label("change_id"), _S.c.to_status, _S.c.note,
                       _S.c.public, _S.c.created_at.label("changed_at"))
             .select_from(_FROM.outerjoin(_S, _S.c.complaint_id == _C.c.id))
             .where(_C.c.code == code, _PUBLISHED).order_by(_S.c.id))
    rows = list(connection.execute(query))
    if not rows:
        return None
    history = [PublicChange(status=r.to_status, note=r.note if r.public else None, at=r.changed_at)
               for r in rows if r.change_id is not None]
    last_note = next((change.note for change in reversed(history) if change.note), None)
    return _report(rows[0], last_note, rows[0]._mapping["photo"]), history


def published_photo(connection: Connection, *, code: str) -> str | None:
    """The stored path of a published complaint's first photo (the only one that is public)."""
    query = sa.select(_FIRST_PHOTO).select_from(_C).where(_C.c.code == code, _PUBLISHED)
    return connection.execute(query).scalar_one_or_none()
