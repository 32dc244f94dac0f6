"""one webhook inbox for every channel: Telegram's updates and Twilio's WhatsApp messages

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-05 10:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
import storage.models
from alembic import op


revision: str = '0014'
down_revision: str | None = '0013'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        'webhook_inbox',
        sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
        sa.Column('channel', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column('event_id', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column('position', sa.BigInteger(), nullable=True),
        sa.Column('resident', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column('album', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
        sa.Column('payload', sa.JSON(), nullable=False),
        sa.Column('stored_at', storage.models.UTCDateTime(), nullable=False),
        sa.Column('replies', sa.JSON(), nullable=True),
        sa.Column('replies_sent', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('channel', 'event_id', name='uq_webhook_inbox_event'),
    )
    op.create_index('ix_webhook_inbox_resident', 'webhook_inbox', ['channel', 'resident', 'position', 'id'])
    op.create_index('ix_webhook_inbox_stored', 'webhook_inbox', ['stored_at'])
    # Updates stored by the previous version and not yet handled are handled by this one.
    op.execute(
        "INSERT INTO webhook_inbox (channel, event_id, position, resident, album, payload, stored_at, "
        "replies, replies_sent) SELECT 'telegram', CAST(update_id AS VARCHAR(64)), update_id, resident, "
        "media_group_id, payload, received_at, replies, replies_sent FROM telegram_inbox ORDER BY telegram_inbox.update_id")
    op.drop_index('ix_telegram_inbox_received', table_name='telegram_inbox')
    op.drop_index('ix_telegram_inbox_resident', table_name='telegram_inbox')
    op.drop_table('telegram_inbox')


def downgrade() -> None:
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
    # WhatsApp messages not yet handled have no place in the older schema: they are dropped.
    op.execute(
        "INSERT INTO telegram_inbox (update_id, resident, media_group_id, payload, received_at, replies, "
        "replies_sent) SELECT position, resident, album, payload, stored_at, replies, replies_sent "
        "FROM webhook_inbox WHERE channel = 'telegram'")
    op.drop_index('ix_webhook_inbox_stored', table_name='webhook_inbox')
    op.drop_index('ix_webhook_inbox_resident', table_name='webhook_inbox')
    op.drop_table('webhook_inbox')
