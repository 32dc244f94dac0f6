"""privacy rights: erased reporters and complaints, the access log and the erasure record

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-01 23:40:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
import storage.models
from alembic import op


revision: str = '0008'
down_revision: str | None = '0007'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        'accessrecord',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('complaint_id', sa.Integer(), nullable=False),
        sa.Column('actor', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column('action', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column('data', sqlmodel.sql.sqltypes.AutoString(length=128), nullable=False),
        sa.Column('created_at', storage.models.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(['complaint_id'], ['complaint.id']),
        sa.PrimaryKeyConstraint('id'),
    )
    with op.batch_alter_table('accessrecord', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_accessrecord_complaint_id'), ['complaint_id'], unique=False)
    op.create_table(
        'erasure',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('reporter_id', sa.Integer(), nullable=True),
        sa.Column('reason', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column('actor', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column('complaint_codes', sa.JSON(), nullable=False),
        sa.Column('photos_deleted', sa.Integer(), nullable=False),
        sa.Column('created_at', storage.models.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(['reporter_id'], ['reporter.id']),
        sa.PrimaryKeyConstraint('id'),
    )
    with op.batch_alter_table('erasure', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_erasure_reporter_id'), ['reporter_id'], unique=False)
    with op.batch_alter_table('reporter', schema=None) as batch_op:
        batch_op.add_column(sa.Column('erased_at', storage.models.UTCDateTime(), nullable=True))
    with op.batch_alter_table('complaint', schema=None) as batch_op:
        batch_op.add_column(sa.Column('erased_at', storage.models.UTCDateTime(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('complaint', schema=None) as batch_op:
        batch_op.drop_column('erased_at')
    with op.batch_alter_table('reporter', schema=None) as batch_op:
        batch_op.drop_column('erased_at')
    with op.batch_alter_table('erasure', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_erasure_reporter_id'))
    op.drop_table('erasure')
    with op.batch_alter_table('accessrecord', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_accessrecord_complaint_id'))
    op.drop_table('accessrecord')
