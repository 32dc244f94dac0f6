"""public list at a million complaints: partial indexes of the published complaints by each filter, in
filing order, and by creation date for Open311; a complaint's photos by position; the address search (SQLite: an FTS5 trigram table kept
by triggers; PostgreSQL: pg_trgm with statistics of lower(address))

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-02 05:00:00
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.engine import Connection


revision: str = '0015'
down_revision: str | None = '0014'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

log = logging.getLogger(__name__)
PUBLISHED = "published_at IS NOT NULL AND erased_at IS NULL"
# Each filter first, then the filing order, then the other filters (checked inside the index).
INDEXES = [
    ('ix_complaint_public', ['id']),
    ('ix_complaint_public_category', ['category', 'id', 'status', 'agency_id', 'kelurahan']),
    ('ix_complaint_public_status', ['status', 'id', 'category', 'agency_id', 'kelurahan']),
    ('ix_complaint_public_agency', ['agency_id', 'id', 'category', 'status', 'kelurahan']),
    ('ix_complaint_public_kelurahan', ['kelurahan', 'id', 'category', 'status', 'agency_id']),
    # Open311's windows of creation dates, newest first, the status and category checked inside.
    ('ix_complaint_public_created', ['created_at', 'status', 'category']),
]
# What may be searched: the address of a published complaint that is not anonymous (the same test in each).
SQLITE_SEARCH = [
    "CREATE VIRTUAL TABLE complaint_search USING fts5(address, tokenize = 'trigram')",
    "INSERT INTO complaint_search (rowid, address) SELECT id, address FROM complaint "
    "WHERE published_at IS NOT NULL AND erased_at IS NULL AND privacy <> 'anonymous' AND address IS NOT NULL",
    "CREATE TRIGGER complaint_search_insert AFTER INSERT ON complaint "
    "WHEN NEW.published_at IS NOT NULL AND NEW.erased_at IS NULL AND NEW.privacy <> 'anonymous' "
    "AND NEW.address IS NOT NULL "
    "BEGIN INSERT INTO complaint_search (rowid, address) VALUES (NEW.id, NEW.address); END",
    "CREATE TRIGGER complaint_search_update AFTER UPDATE OF address, published_at, erased_at, privacy "
    "ON complaint BEGIN DELETE FROM complaint_search WHERE rowid = OLD.id; "
    "INSERT INTO complaint_search (rowid, address) SELECT NEW.id, NEW.address "
    "WHERE NEW.published_at IS NOT NULL AND NEW.erased_at IS NULL AND NEW.privacy <> 'anonymous' "
    "AND NEW.address IS NOT NULL; END",
    "CREATE TRIGGER complaint_search_delete AFTER DELETE ON complaint BEGIN "
    "DELETE FROM complaint_search WHERE rowid = OLD.id; END",
]
POSTGRESQL_SEARCH = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX ix_complaint_address_trgm ON complaint USING gin (lower(address) gin_trgm_ops) "
    "WHERE published_at IS NOT NULL AND erased_at IS NULL AND privacy <> 'anonymous' AND address IS NOT NULL",
]
# How common the searched text is (PostgreSQL 14 or later): a common street is found fastest newest first
# through the list's index, a rare one through the trigrams; without these figures the planner takes
# every text for a rare one.
POSTGRESQL_FIGURES = [
    "CREATE STATISTICS IF NOT EXISTS complaint_address_lower ON (lower(address)) FROM complaint",
    "ANALYZE complaint",
]


def _search(bind: Connection) -> None:
    """The address search index, where the database can make one; without it the search reads the table."""
    if bind.dialect.name == "postgresql" and not bind.exec_driver_sql(
            "SELECT 1 FROM pg_available_extensions WHERE name = 'pg_trgm'").first():
        log.warning("pg_trgm is not installed: the public list's address search will read the whole table")
        return
    groups = [SQLITE_SEARCH] if bind.dialect.name == "sqlite" else [POSTGRESQL_SEARCH, POSTGRESQL_FIGURES]
    for statements in groups:
        try:
            with bind.begin_nested():
                for statement in statements:
                    bind.exec_driver_sql(statement)
        except sa.exc.DBAPIError as error:  # no FTS5 trigram tokenizer (SQLite < 3.34), no right to CREATE
            log.warning("address search: %s (the public list's search may read the whole table)",
                        str(error.orig).splitlines()[0])
            return


def upgrade() -> None:
    for name, columns in INDEXES:
        op.create_index(name, 'complaint', columns, unique=False, sqlite_where=sa.text(PUBLISHED),
                        postgresql_where=sa.text(PUBLISHED))
    # The first photo of a complaint in one lookup, without sorting its photos.
    op.create_index('ix_photo_complaint', 'photo', ['complaint_id', 'position'], unique=False)
    op.drop_index('ix_photo_complaint_id', table_name='photo')
    _search(op.get_bind())


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        for trigger in ("insert", "update", "delete"):
            op.execute(f"DROP TRIGGER IF EXISTS complaint_search_{trigger}")
        op.execute("DROP TABLE IF EXISTS complaint_search")
    else:
        op.execute("DROP STATISTICS IF EXISTS complaint_address_lower")
        op.execute("DROP INDEX IF EXISTS ix_complaint_address_trgm")
    op.create_index('ix_photo_complaint_id', 'photo', ['complaint_id'], unique=False)
    op.drop_index('ix_photo_complaint', table_name='photo')
    for name, _columns in reversed(INDEXES):
        op.drop_index(name, table_name='complaint')
