"""scheduler: deadlines, periodic updates, feedback and closure on complaints

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-22 10:38:37.751554
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
import storage.models
from alembic import op


revision: str = '0006'
down_revision: str | None = '0005'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('complaint', schema=None) as batch_op:
        batch_op.add_column(sa.Column('deadline_kind', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=True))
        batch_op.add_column(sa.Column('deadline_at', storage.models.UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column('deadline_remind_at', storage.models.UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column('next_update_at', storage.models.UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column('resolved_at', storage.models.UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column('feedback_due_at', storage.models.UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column('fixed_confirmed', sa.Boolean(), nullable=True))
        batch_op.add_column(sa.Column('rating', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('closed_at', storage.models.UTCDateTime(), nullable=True))
        batch_op.create_index(batch_op.f('ix_complaint_deadline_at'), ['deadline_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_complaint_feedback_due_at'), ['feedback_due_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_complaint_next_update_at'), ['next_update_at'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('complaint', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_complaint_next_update_at'))
        batch_op.drop_index(batch_op.f('ix_complaint_feedback_due_at'))
        batch_op.drop_index(batch_op.f('ix_complaint_deadline_at'))
        batch_op.drop_column('closed_at')
        batch_op.drop_column('rating')
        batch_op.drop_column('fixed_confirmed')
        batch_op.drop_column('feedback_due_at')
        batch_op.drop_column('resolved_at')
        batch_op.drop_column('next_update_at')
        batch_op.drop_column('deadline_remind_at')
        batch_op.drop_column('deadline_at')
        batch_op.drop_column('deadline_kind')

