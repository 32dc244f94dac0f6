"""Published complaints as the public and other systems may read them: each read is one query."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, NamedTuple

import sqlalchemy as sa
from sqlalchemy.engine import Connection
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.functions import FunctionElement

from storage.models import Agency, Complaint, Photo, Privacy, StatusChange

_C: sa.Table = Complaint.__table__  # type: ignore[attr-defined]
_A: sa.Table = Agency.__table__  # type: ignore[attr-defined]
_S: sa.Table = StatusChange.__table__  # type: ignore[attr-defined]
_P: sa.Table = Photo.__table__  # type: ignore[attr-defined]


class PublicReport(NamedTuple):
    """A published complaint's columns that may be shown, before the privacy rules are applied.

    The reporter's name and chat are not selected at all, so no code path can leak them from here. A
    tuple, made straight from the row: a thousand of them are made for one Open311 list.
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
    """What a list of published complaints may be narrowed by; empty means everything.

    `kelurahan` is one as stored (see `published_kelurahan`); `place` is text in the address (at least
    MIN_SEARCH characters: shorter text cannot use the search index and is ignored).
    """

    codes: Sequence[str] = ()
    categories: Sequence[str] = ()
    statuses: Sequence[str] = ()
    agency: str | None = None
    kelurahan: str | None = None
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
_CURSOR = _C.alias("after")
# SQLite's address search: an FTS5 table (trigram tokenizer) of the addresses that may be searched, kept by
# triggers (migration 0015). Its rowid is the complaint's id.
SEARCH_TABLE = "complaint_search"
_SEARCH = sa.table(SEARCH_TABLE, sa.column("rowid", sa.Integer), sa.column(SEARCH_TABLE, sa.Text))
MIN_SEARCH = 3
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


class _unindexed(FunctionElement[str]):
    """A column whose index SQLite's planner may not choose (a unary +, SQLite's documented way), so that
    it keeps to the index the query's order follows; the same column elsewhere."""

    type = sa.String()
    inherit_cache = True


@compiles(_unindexed, "sqlite")
def _sqlite_unindexed(element: _unindexed, compiler: SQLCompiler, **kw: Any) -> str:
    return "+" + compiler.process(next(iter(element.clauses)), **kw)


@compiles(_unindexed)
def _plain(element: _unindexed, compiler: SQLCompiler, **kw: Any) -> str:
    return compiler.process(next(iter(element.clauses)), **kw)


def _where(query: sa.Select[Any], filters: ReportFilters, *, indexed_search: bool = False) -> sa.Select[Any]:
    query = query.where(_PUBLISHED)
    if filters.codes:
        query = query.where(_C.c.code.in_(list(filters.codes)))
    # A window of dates is read newest first through ix_complaint_public_created, the status and category
    # checked inside it, until the limit: SQLite, without planner statistics, would rather take the status
    # or category index and then sort every match (computing each one's note and photo first).
    windowed = filters.start is not None or filters.end is not None
    category = _unindexed(_C.c.category) if windowed else _C.c.category
    status = _unindexed(_C.c.status) if windowed else _C.c.status
    if filters.categories:
        query = query.where(category.in_(list(filters.categories)))
    if filters.statuses:
        query = query.where(status.in_(list(filters.statuses)))
    if filters.agency:
        # By id, not through the join: the agency's own index then serves the order.
        query = query.where(_C.c.agency_id == sa.select(_A.c.id).where(
            _A.c.code == filters.agency.strip().upper()).scalar_subquery())
    if filters.kelurahan:
        query = query.where(_C.c.kelurahan == filters.kelurahan)
    if searched(filters) and not indexed_search:
        text = (filters.place or "").strip().lower()
        escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        # An anonymous report's address is never shown, so it must not be searchable either (the
        # search table on SQLite holds no anonymous address at all).
        query = query.where(sa.func.lower(_C.c.address).like(f"%{escaped}%", escape="\\"),
                            _C.c.privacy != Privacy.ANONYMOUS.value)
    if filters.start is not None:
        query = query.where(_C.c.created_at >= filters.start)
    if filters.end is not None:
        query = query.where(_C.c.created_at <= filters.end)
    return query


def searched(filters: ReportFilters) -> bool:
    """Whether the filters search the address (text long enough to search for)."""
    return len((filters.place or "").strip()) >= MIN_SEARCH


def published_reports(connection: Connection, *, filters: ReportFilters, limit: int) -> list[PublicReport]:
    """Published complaints matching `filters`, newest created first, with their last public note and first
    photo (Open311's lists, which are windows of creation dates)."""
    query = _where(sa.select(*_REPORT_COLUMNS, _LAST_NOTE.label("note"), _FIRST_PHOTO.label("photo"))
                   .select_from(_FROM), filters)
    if filters.codes:  # a few requests by id: put in order here, not by a sort in the database
        # The columns are selected in the report's field order: a row becomes a report as it is.
        found = [PublicReport._make(row) for row in connection.execute(query.limit(limit))]
        return sorted(found, key=lambda report: report.created_at, reverse=True)
    query = query.order_by(_C.c.created_at.desc()).limit(limit)
    return [PublicReport._make(row) for row in connection.execute(query)]


def report_list(connection: Connection, *, filters: ReportFilters, limit: int, older_than: str | None = None,
                newer_than: str | None = None) -> list[PublicReport]:
    """One page of the public list: published complaints matching `filters`, newest filed first, after
    (`older_than`) or before (`newer_than`) the one with that code.

    The order is the filing order (the id), so a page is found from the code it follows through an index
    however deep it lies, and the address search on SQLite reads its search table in that same order.
    """
    indexed = searched(filters) and has_search_table(connection)
    source: sa.FromClause = _FROM
    key: sa.ColumnElement[int] = _C.c.id
    if indexed:
        source = _SEARCH.join(_FROM, _C.c.id == _SEARCH.c.rowid)
        key = _SEARCH.c.rowid
    query = _where(sa.select(*_REPORT_COLUMNS, _LAST_NOTE.label("note"), _FIRST_PHOTO.label("photo"))
                   .select_from(source), filters, indexed_search=indexed)
    if indexed:
        query = query.where(_SEARCH.c.complaint_search.match(_phrase(filters.place or "")))
    cursor = older_than or newer_than
    if cursor is not None:
        at = sa.select(_CURSOR.c.id).where(_CURSOR.c.code == cursor).scalar_subquery()
        query = query.where(key < at if older_than is not None else key > at)
    query = query.order_by(key.asc() if newer_than is not None else key.desc()).limit(limit)
    rows = [PublicReport._make(row) for row in connection.execute(query)]
    return rows[::-1] if newer_than is not None else rows


def published_kelurahan(connection: Connection, *, most: int = 1000) -> list[str]:
    """The kelurahan that have published complaints, in order: one index lookup each, not a scan."""
    step = (sa.select(_C.c.kelurahan).where(_PUBLISHED, _C.c.kelurahan > sa.bindparam("after"))
            .order_by(_C.c.kelurahan).limit(1))
    names: list[str] = []
    while len(names) < most:
        name = connection.execute(step, {"after": names[-1] if names else ""}).scalar()
        if name is None:
            break
        names.append(name)
    return names


def has_search_table(connection: Connection) -> bool:
    """Whether this SQLite database has the address search table (SQLite 3.34 or later made it) with the
    three triggers that keep it: a migration that rebuilds the complaint table drops them, and the search
    then reads the addresses themselves rather than a table that no longer follows them."""
    if connection.dialect.name != "sqlite":
        return False
    found = connection.exec_driver_sql(
        "SELECT count(*) FROM sqlite_master WHERE (type = 'table' AND name = ?) OR (type = 'trigger' "
        "AND tbl_name = 'complaint' AND name IN (?, ?, ?))",
        (SEARCH_TABLE, *(f"{SEARCH_TABLE}_{event}" for event in ("insert", "update", "delete")))).scalar()
    return found == 4


def _phrase(text: str) -> str:
    # One FTS5 phrase: the trigram tokenizer then matches it anywhere in the address, in any case.
    return '"' + text.strip().replace('"', '""') + '"'


def published_report(connection: Connection, *, code: str) -> tuple[PublicReport, list[PublicChange]] | None:
    """One published complaint with its history, in a single query (one row per history step)."""
    photo = _FIRST_PHOTO.label("photo")
    query = (sa.select(*_REPORT_COLUMNS, photo, _S.c.id.label("change_id"), _S.c.to_status, _S.c.note,
                       _S.c.public, _S.c.created_at.label("changed_at"))
             .select_from(_FROM.outerjoin(_S, _S.c.complaint_id == _C.c.id))
             .where(_C.c.code == code, _PUBLISHED))
    # A handful of steps, put in order here rather than by a sort in the database.
    rows = sorted(connection.execute(query), key=lambda row: row.change_id or 0)
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
