"""several instances: Telegram webhook inbox, shared send budget, shared secrets

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-01 23:50:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
import storage.models
from alembic import op


revision: str = '0011'
down_revision: str | None = '0010'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        'telegram_inbox',
        sa.Column('update_id', sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column('resident', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column('media_group_id', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
        sa.Column('payload', sa.JSON(), nullable=False),
        sa.Column('received_at', storage.models.UTCDateTime(), nullable=False),
        sa.Column('replies', sa.JSON(), nullable=True),
        sa.Column('replies_sent', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint('update_id'),
    )
    op.create_index('ix_telegram_inbox_resident', 'telegram_inbox', ['resident', 'update_id'])
    op.create_index('ix_telegram_inbox_received', 'telegram_inbox', ['received_at'])
    op.create_table(
        'send_slot',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('channel', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column('chat_id', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column('at', storage.models.UTCDateTime(), nullable=False),
        sa.Column('answered', sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_send_slot_channel_at', 'send_slot', ['channel', 'at'])
    op.create_index('ix_send_slot_chat_at', 'send_slot', ['channel', 'chat_id', 'at'])
    op.create_table(
        'shared_secret',
        sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column('value', sqlmodel.sql.sqltypes.AutoString(length=256), nullable=False),
        sa.Column('created_at', storage.models.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint('name'),
    )


def downgrade() -> None:
    op.drop_table('shared_secret')
    op.drop_index('ix_send_slot_chat_at', table_name='send_slot')
    op.drop_index('ix_send_slot_channel_at', table_name='send_slot')
    op.drop_table('send_slot')
    op.drop_index('ix_telegram_inbox_received', table_name='telegram_inbox')
    op.drop_index('ix_telegram_inbox_resident', table_name='telegram_inbox')
    op.drop_table('telegram_inbox')
