"""public reports and Open311: complaint.published_at, api_key

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-01 23:40:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
import storage.models
from alembic import op


revision: str = '0010'
down_revision: str | None = '0009'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('apikey',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('key_hash', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('created_at', storage.models.UTCDateTime(), nullable=False),
    sa.Column('revoked_at', storage.models.UTCDateTime(), nullable=True),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('key_hash'),
    sa.UniqueConstraint('name')
    )
    with op.batch_alter_table('complaint', schema=None) as batch_op:
        batch_op.add_column(sa.Column('published_at', storage.models.UTCDateTime(), nullable=True))
        batch_op.create_index(batch_op.f('ix_complaint_published_at'), ['published_at'], unique=False)
    # Complaints verified before this revision are public since their first verification.
    op.execute(
        "UPDATE complaint SET published_at = (SELECT min(s.created_at) FROM statuschange s "
        "WHERE s.complaint_id = complaint.id AND s.to_status = 'verified') "
        "WHERE privacy <> 'confidential'"
    )


def downgrade() -> None:
    with op.batch_alter_table('complaint', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_complaint_published_at'))
        batch_op.drop_column('published_at')
    op.drop_table('apikey')
