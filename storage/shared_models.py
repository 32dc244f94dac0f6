"""Tables that let several instances share one database: webhook messages, send budget, shared secrets."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from storage.models import UTCDateTime, utcnow


class WebhookInbox(SQLModel, table=True):
    """A message a webhook accepted and the turn has not finished with (stored before the webhook's answer).

    Telegram's updates and Twilio's WhatsApp messages alike; a resident's rows are handled in `position`
    order (Telegram's update_id) or, where the channel gives none, in the order they were stored (`id`).
    """

    __tablename__ = "webhook_inbox"

    id: int | None = Field(default=None, primary_key=True,
                           sa_type=sa.BigInteger().with_variant(sa.Integer(), "sqlite"))
    channel: str = Field(max_length=16)
    event_id: str = Field(max_length=64)  # the update_id, the MessageSid: a redelivery has the same
    position: int | None = Field(default=None, sa_type=sa.BigInteger)
    resident: str = Field(max_length=64)
    album: str | None = Field(default=None, max_length=64)  # Telegram's media_group_id
    payload: dict[str, object] = Field(sa_type=sa.JSON)
    stored_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, nullable=False)  # DB clock
    # Written with the turn that handled it: where the replies go and what they are, and how many went.
    replies: dict[str, object] | None = Field(default=None, sa_type=sa.JSON)
    replies_sent: int = 0

    __table_args__ = (sa.UniqueConstraint("channel", "event_id", name="uq_webhook_inbox_event"),
                      sa.Index("ix_webhook_inbox_resident", "channel", "resident", "position", "id"),
                      sa.Index("ix_webhook_inbox_stored", "stored_at"))


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
