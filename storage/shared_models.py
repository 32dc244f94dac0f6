"""Tables that let several instances share one database: raw webhook updates, send budget, shared secrets."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from storage.models import UTCDateTime, utcnow


class TelegramInbox(SQLModel, table=True):
    """A Telegram update accepted by a webhook and not yet handled (stored before the 200)."""

    __tablename__ = "telegram_inbox"

    update_id: int = Field(sa_type=sa.BigInteger, primary_key=True, sa_column_kwargs={"autoincrement": False})
    resident: str = Field(max_length=64)
    media_group_id: str | None = Field(default=None, max_length=64)
    payload: dict[str, object] = Field(sa_type=sa.JSON)
    received_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, nullable=False)
    # Written with the turn that handled it: where the replies go and what they are, and how many went.
    replies: dict[str, object] | None = Field(default=None, sa_type=sa.JSON)
    replies_sent: int = 0

    __table_args__ = (sa.Index("ix_telegram_inbox_resident", "resident", "update_id"),
                      sa.Index("ix_telegram_inbox_received", "received_at"))


class SendSlot(SQLModel, table=True):
    """One send counted against a channel's shared rate limits (overall and per chat)."""

    __tablename__ = "send_slot"

    id: int | None = Field(default=None, primary_key=True)
    channel: str = Field(max_length=16)
    chat_id: str = Field(max_length=64)
    at: datetime = Field(sa_type=UTCDateTime, nullable=False)
    answered: bool = False

    __table_args__ = (sa.Index("ix_send_slot_channel_at", "channel", "at"),
                      sa.Index("ix_send_slot_chat_at", "channel", "chat_id", "at"))


class SharedSecret(SQLModel, table=True):
    """A secret every instance must agree on and that may be generated once (the webhook's secret token)."""

    __tablename__ = "shared_secret"

    name: str = Field(primary_key=True, max_length=64)
    value: str = Field(max_length=256)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, nullable=False)
