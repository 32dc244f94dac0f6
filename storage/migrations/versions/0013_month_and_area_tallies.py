"""month, area and rating tallies, the resolution tallies counted in working days, the working-day calendar
table; the queue indexes hold the deadline (so "overdue now" is counted from them)

Revision ID: 0013
Revises: 0011
Create Date: 2026-12-02 05:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op


revision: str = '0013'
down_revision: str | None = '0011'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _text(length: int) -> sqlmodel.sql.sqltypes.AutoString:
    return sqlmodel.sql.sqltypes.AutoString(length=length)


def _counts(table: str) -> None:
    op.create_table(table,
        sa.Column('day', sa.Date(), nullable=False),
        sa.Column('agency_id', sa.Integer(), nullable=False),
        sa.Column('status', _text(16), nullable=False),
        sa.Column('category', _text(32), nullable=False),
        sa.Column('n', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint('day', 'agency_id', 'status', 'category'))
    op.create_index(f'ix_{table}_agency', table, ['agency_id', 'day', 'status', 'category', 'n'])
    op.create_index(f'ix_{table}_tally', table, ['status', 'category', 'agency_id', 'day', 'n'])


def _areas(table: str) -> None:
    op.create_table(table,
        sa.Column('day', sa.Date(), nullable=False),
        sa.Column('agency_id', sa.Integer(), nullable=False),
        sa.Column('kecamatan', _text(100), nullable=False),
        sa.Column('kelurahan', _text(100), nullable=False),
        sa.Column('outside_area', sa.Boolean(), nullable=False),
        sa.Column('n', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint('day', 'agency_id', 'kecamatan', 'kelurahan', 'outside_area'))
    op.create_index(f'ix_{table}_agency', table, ['agency_id', 'day'])


def _resolutions(table: str, *, last: str) -> None:
    op.create_table(table,
        sa.Column('agency_id', sa.Integer(), nullable=False),
        sa.Column('day', sa.Date(), nullable=False),
        sa.Column(last, sa.Integer() if last == 'worked' else sa.Date(), nullable=False),
        sa.Column('n', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint('agency_id', 'day', last))


def _ratings(table: str) -> None:
    op.create_table(table,
        sa.Column('day', sa.Date(), nullable=False),
        sa.Column('agency_id', sa.Integer(), nullable=False),
        sa.Column('rating', sa.Integer(), nullable=False),
        sa.Column('n', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint('day', 'agency_id', 'rating'))


def _queue_indexes(extra: list[str]) -> None:
    for name, columns in (('ix_complaint_queue', ['status', 'created_at', 'id', 'resolved_at']),
                          ('ix_complaint_agency_queue', ['agency_id', 'status', 'created_at', 'id', 'resolved_at'])):
        op.drop_index(name, table_name='complaint')
        op.create_index(name, 'complaint', columns + extra)


def _stop_keeping() -> None:
    from storage.tallies import drop_triggers

    drop_triggers(op.get_bind())
    op.execute(sa.text('DELETE FROM tallystate'))  # the next start rebuilds every tally
    op.execute(sa.text('DELETE FROM complainttally'))


def upgrade() -> None:
    _stop_keeping()
    op.drop_table('resolutiontally')
    _resolutions('resolutiontally', last='worked')
    _resolutions('resolutionmonth', last='worked')
    _counts('complaintmonth')
    _areas('areatally')
    _areas('areamonth')
    _ratings('ratingtally')
    _ratings('ratingmonth')
    op.create_table('workday',
        sa.Column('day', sa.Date(), nullable=False),
        sa.Column('running', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint('day'))
    _queue_indexes(['deadline_at'])
    op.create_index('ix_complaint_agency_created', 'complaint', ['agency_id', 'created_at'])


def downgrade() -> None:
    _stop_keeping()
    op.drop_index('ix_complaint_agency_created', table_name='complaint')
    _queue_indexes([])
    for table in ('workday', 'ratingmonth', 'ratingtally', 'areamonth', 'areatally', 'complaintmonth', 'resolutionmonth', 'resolutiontally'):
        op.drop_table(table)
    _resolutions('resolutiontally', last='resolved_day')
