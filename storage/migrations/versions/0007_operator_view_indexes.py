"""operator views and producer scans: one index per query order; resolved_at filled from the history;
the tally tables /statistik adds up (filled and kept by storage/tallies.py)

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01 23:30:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
import storage.models
from alembic import op


revision: str = '0007'
down_revision: str | None = '0006'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# (name, table, columns) created here; the single-column indexes they make redundant are dropped.
NEW = [
    ('ix_complaint_queue', 'complaint', ['status', 'created_at', 'id', 'resolved_at']),
    ('ix_complaint_agency_queue', 'complaint', ['agency_id', 'status', 'created_at', 'id', 'resolved_at']),
    ('ix_complaint_tally', 'complaint', ['status', 'category', 'agency_id', 'created_at']),
    ('ix_complaint_agency_tally', 'complaint', ['agency_id', 'status', 'category', 'created_at']),
    ('ix_complaint_created', 'complaint', ['created_at', 'status', 'category', 'agency_id']),
    ('ix_complaint_reporter_recent', 'complaint', ['reporter_id', 'id']),
    ('ix_complaint_reporter_status', 'complaint', ['reporter_id', 'status', 'updated_at']),
    ('ix_complaint_update_due', 'complaint', ['next_update_at', 'id']),
    ('ix_complaint_remind_due', 'complaint', ['deadline_remind_at', 'id']),
    ('ix_complaint_feedback_due', 'complaint', ['feedback_due_at', 'id']),
    ('ix_statuschange_history', 'statuschange', ['complaint_id', 'id']),
    ('ix_conversation_step', 'conversation', ['step', 'updated_at']),
]
OLD = [
    ('ix_complaint_status', 'complaint', ['status']),
    ('ix_complaint_agency_id', 'complaint', ['agency_id']),
    ('ix_complaint_created_at', 'complaint', ['created_at']),
    ('ix_complaint_reporter_id', 'complaint', ['reporter_id']),
    ('ix_complaint_next_update_at', 'complaint', ['next_update_at']),
    ('ix_complaint_feedback_due_at', 'complaint', ['feedback_due_at']),
    ('ix_statuschange_complaint_id', 'statuschange', ['complaint_id']),
]

# /statistik reads the resolution time from the complaint row; rows resolved before it was kept there
# get the time of their last change to `resolved`, as the history says.
FILL_RESOLVED_AT = """
UPDATE complaint SET resolved_at = (
    SELECT sc.created_at FROM statuschange sc
    WHERE sc.complaint_id = complaint.id AND sc.to_status = 'resolved'
    ORDER BY sc.id DESC LIMIT 1)
WHERE resolved_at IS NULL AND status IN ('resolved', 'closed')
"""


def upgrade() -> None:
    op.create_table('complainttally',
        sa.Column('day', sa.Date(), nullable=False),
        sa.Column('agency_id', sa.Integer(), nullable=False),
        sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column('category', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column('n', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint('day', 'agency_id', 'status', 'category'))
    op.create_index('ix_complainttally_agency', 'complainttally', ['agency_id', 'day', 'status', 'category', 'n'],
                    unique=False)
    op.create_index('ix_complainttally_tally', 'complainttally', ['status', 'category', 'agency_id', 'day', 'n'],
                    unique=False)
    op.create_table('resolutiontally',
        sa.Column('agency_id', sa.Integer(), nullable=False),
        sa.Column('day', sa.Date(), nullable=False),
        sa.Column('resolved_day', sa.Date(), nullable=False),
        sa.Column('n', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint('agency_id', 'day', 'resolved_day'))
    op.create_table('tallystate',
        sa.Column('timezone', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column('built_at', storage.models.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint('timezone'))
    for name, table, columns in NEW:
        op.create_index(name, table, columns, unique=False)
    for name, table, _columns in OLD:
        op.drop_index(name, table_name=table)
    op.drop_index('ix_outbox_due', table_name='outbox')
    op.create_index('ix_outbox_due', 'outbox', ['status', 'due_at', 'id'], unique=False)
    op.execute(sa.text(FILL_RESOLVED_AT))


def downgrade() -> None:
    from storage.tallies import drop_triggers

    drop_triggers(op.get_bind())
    op.drop_table('tallystate')
    op.drop_table('resolutiontally')
    op.drop_index('ix_complainttally_tally', table_name='complainttally')
    op.drop_index('ix_complainttally_agency', table_name='complainttally')
    op.drop_table('complainttally')
    op.drop_index('ix_outbox_due', table_name='outbox')
    op.create_index('ix_outbox_due', 'outbox', ['status', 'due_at'], unique=False)
    for name, table, columns in OLD:
        op.create_index(name, table, columns, unique=False)
    for name, table, _columns in NEW:
        op.drop_index(name, table_name=table)
