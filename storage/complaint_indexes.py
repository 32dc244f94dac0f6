"""The complaint table's indexes: each operator view, producer scan and public list reads one of these in
its own order (EXPLAIN-checked in tests/storage/test_query_plans.py), so no query sorts or scans the table.

Migration 0015 also made an address search that the models do not describe: on SQLite the FTS5 table
`complaint_search` with the triggers that keep it (a migration that rebuilds the complaint table in batch
mode drops those triggers and must make them again; until then the search reads the addresses), on
PostgreSQL a pg_trgm index on lower(address).
"""

from __future__ import annotations

import sqlalchemy as sa

# A complaint on the public pages: published and not erased.
PUBLISHED_SQL = "published_at IS NOT NULL AND erased_at IS NULL"


FILTERS = ("category", "status", "agency_id", "kelurahan")


def _public(name: str, by: str | None = None) -> sa.Index:
    """An index of the published complaints only, in filing order within each value of `by`; the other
    filters follow, so that a list filtered by several is narrowed inside the index, not row by row."""
    where = sa.text(PUBLISHED_SQL)
    columns = ["id"] if by is None else [by, "id", *(f for f in FILTERS if f != by)]
    return sa.Index(name, *columns, sqlite_where=where, postgresql_where=where)


COMPLAINT_INDEXES = (
    # The queue, and /statistik's "overdue now" counted without leaving the index (the deadline).
    sa.Index("ix_complaint_queue", "status", "created_at", "id", "resolved_at", "deadline_at"),
    sa.Index("ix_complaint_agency_queue", "agency_id", "status", "created_at", "id", "resolved_at",
             "deadline_at"),
    sa.Index("ix_complaint_tally", "status", "category", "agency_id", "created_at"),
    sa.Index("ix_complaint_agency_tally", "agency_id", "status", "category", "created_at"),
    sa.Index("ix_complaint_created", "created_at", "status", "category", "agency_id"),
    # One agency's complaints of a few hours (the parts of a /statistik period that are not whole days).
    sa.Index("ix_complaint_agency_created", "agency_id", "created_at"),
    sa.Index("ix_complaint_reporter_recent", "reporter_id", "id"),
    sa.Index("ix_complaint_reporter_status", "reporter_id", "status", "updated_at"),
    sa.Index("ix_complaint_update_due", "next_update_at", "id"),
    sa.Index("ix_complaint_remind_due", "deadline_remind_at", "id"),
    sa.Index("ix_complaint_feedback_due", "feedback_due_at", "id"),
    # The duplicate lookup's bounding box: one category, a band of latitude, then the longitude.
    sa.Index("ix_complaint_geo", "category", "latitude", "longitude"),
    # The few complaints several residents reported, put first in the queue.
    sa.Index("ix_complaint_reported", "status", "reporters_count"),
    # The public list (/laporan), newest filed first: whole, and by each filter.
    _public("ix_complaint_public"),
    *(_public(f"ix_complaint_public_{by.removesuffix('_id')}", by) for by in FILTERS),
    # Open311's lists: a window of creation dates, newest first, the status and category checked inside.
    sa.Index("ix_complaint_public_created", "created_at", "status", "category",
             sqlite_where=sa.text(PUBLISHED_SQL), postgresql_where=sa.text(PUBLISHED_SQL)),
)
