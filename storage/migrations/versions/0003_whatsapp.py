"""sent messages and their delivery states (WhatsApp via Twilio)

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-22 10:39:12.255894
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
import storage.models
from alembic import op


revision: str = '0003'
down_revision: str | None = '0002'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('sentmessage',
    sa.Column('provider_id', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('channel', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('chat_id', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('reporter_id', sa.Integer(), nullable=True),
    sa.Column('outbox_id', sa.Integer(), nullable=True),
    sa.Column('via_template', sa.Boolean(), nullable=False),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('error_code', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=True),
    sa.Column('followed_up_at', storage.models.UTCDateTime(), nullable=True),
    sa.Column('created_at', storage.models.UTCDateTime(), nullable=False),
    sa.Column('updated_at', storage.models.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['outbox_id'], ['outbox.id'], ),
    sa.ForeignKeyConstraint(['reporter_id'], ['reporter.id'], ),
    sa.PrimaryKeyConstraint('provider_id')
    )
    with op.batch_alter_table('sentmessage', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_sentmessage_outbox_id'), ['outbox_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_sentmessage_reporter_id'), ['reporter_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('sentmessage', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_sentmessage_reporter_id'))
        batch_op.drop_index(batch_op.f('ix_sentmessage_outbox_id'))

    op.drop_table('sentmessage')
