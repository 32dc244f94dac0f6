"""SQLModel tables: reporters, complaints, photos, status history, consent and conversations."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

# Re-exported: the migrations and the rest of the code know these as storage.models'.
from storage.columns import UTCDateTime as UTCDateTime
from storage.columns import _ts as _ts
from storage.columns import utcnow as utcnow
from storage.complaint_indexes import COMPLAINT_INDEXES


class ComplaintStatus(StrEnum):
    """The statuses a complaint moves through (LAPOR!'s, as the reporter sees them)."""

    RECEIVED = "received"
    VERIFIED = "verified"
    IN_PROGRESS = "in_progress"
    NEEDS_INFO = "needs_info"
    RESOLVED = "resolved"
    ARCHIVED = "archived"
    REOPENED = "reopened"
    CLOSED = "closed"


class Privacy(StrEnum):
    """Who may see the report and the reporter's identity."""

    PUBLIC = "public"
    ANONYMOUS = "anonymous"
    CONFIDENTIAL = "confidential"


class Reporter(SQLModel, table=True):
    """A resident as known on one channel."""

    __table_args__ = (sa.UniqueConstraint("channel", "external_id", name="uq_reporter_channel_user"),)

    id: int | None = Field(default=None, primary_key=True)
    channel: str = Field(max_length=16)
    external_id: str = Field(max_length=64)
    chat_id: str = Field(max_length=64)
    profile_name: str | None = Field(default=None, max_length=128)
    locale: str = Field(max_length=8)
    consent_at: datetime | None = _ts(nullable=True)
    last_inbound_at: datetime | None = _ts(nullable=True)
    unreachable_at: datetime | None = _ts(nullable=True)
    opted_out_at: datetime | None = _ts(nullable=True)
    # Set when the resident's personal data was erased: the row is then an anonymous tombstone.
    erased_at: datetime | None = _ts(nullable=True)
    created_at: datetime = _ts()
    updated_at: datetime = _ts()


class Consent(SQLModel, table=True):
    """Proof of a reporter's answer to the privacy notice (UU PDP No. 27/2022)."""

    id: int | None = Field(default=None, primary_key=True)
    reporter_id: int = Field(foreign_key="reporter.id", index=True)
    notice_version: str = Field(max_length=32)
    locale: str = Field(max_length=8)
    accepted: bool
    event_id: str = Field(max_length=64)
    created_at: datetime = _ts()


class Complaint(SQLModel, table=True):
    """A filed report with its tracking code."""

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(max_length=16, unique=True, index=True)
    reporter_id: int = Field(foreign_key="reporter.id")
    channel: str = Field(max_length=16)
    status: str = Field(max_length=16)
    privacy: str = Field(default=Privacy.PUBLIC.value, max_length=16)
    name: str = Field(max_length=128)
    address: str | None = Field(default=None, max_length=500)
    latitude: float | None = None
    longitude: float | None = None
    location_source: str | None = Field(default=None, max_length=8)
    description: str = Field(sa_type=sa.Text)
    category: str = Field(max_length=32, index=True)
    locale: str = Field(max_length=8)
    agency_id: int | None = Field(default=None, foreign_key="agency.id")
    created_at: datetime = _ts()
    updated_at: datetime = _ts()
    # The running deadline (verification or the agency's follow-up), in working days; see handlers/deadlines.
    deadline_kind: str | None = Field(default=None, max_length=16)
    deadline_at: datetime | None = _ts(nullable=True, index=True)
    deadline_remind_at: datetime | None = _ts(nullable=True)
    next_update_at: datetime | None = _ts(nullable=True)
    resolved_at: datetime | None = _ts(nullable=True)
    feedback_due_at: datetime | None = _ts(nullable=True)
    fixed_confirmed: bool | None = None
    rating: int | None = None
    closed_at: datetime | None = _ts(nullable=True)
    # Set when the reporter's personal data on this complaint was erased (on request or at retention).
    erased_at: datetime | None = _ts(nullable=True)
    outside_area: bool = False
    kelurahan: str | None = Field(default=None, max_length=100, index=True)
    kecamatan: str | None = Field(default=None, max_length=100, index=True)
    reporters_count: int = 1  # the reporter and the residents who follow it
    holder_id: int | None = Field(default=None, foreign_key="operator.id", index=True)
    published_at: datetime | None = _ts(nullable=True, index=True)  # first verified; never if confidential
    __table_args__ = COMPLAINT_INDEXES


class Photo(SQLModel, table=True):
    """A stored, EXIF-free photo of a complaint."""

    id: int | None = Field(default=None, primary_key=True)
    complaint_id: int = Field(foreign_key="complaint.id")
    position: int
    path: str = Field(max_length=255)
    width: int
    height: int
    size_bytes: int
    sha256: str = Field(max_length=64)
    created_at: datetime = _ts()
    # A complaint's photos in order: its first photo (the public one) is one index lookup.
    __table_args__ = (sa.Index("ix_photo_complaint", "complaint_id", "position"),)


class StatusChange(SQLModel, table=True):
    """One step of a complaint's history: who moved it where, when, and why."""

    id: int | None = Field(default=None, primary_key=True)
    complaint_id: int = Field(foreign_key="complaint.id")
    from_status: str | None = Field(default=None, max_length=16)
    to_status: str = Field(max_length=16)
    note: str | None = Field(default=None, sa_type=sa.Text)
    public: bool = True
    actor: str = Field(max_length=64)
    created_at: datetime = _ts()

    __table_args__ = (sa.Index("ix_statuschange_history", "complaint_id", "id"),)


class Conversation(SQLModel, table=True):
    """A reporter's conversation state: the flow step and the unfinished report."""

    id: int | None = Field(default=None, primary_key=True)
    reporter_id: int = Field(foreign_key="reporter.id", unique=True)
    step: str = Field(max_length=32)
    data: dict[str, Any] = Field(default_factory=dict, sa_type=sa.JSON)
    updated_at: datetime = _ts()

    __table_args__ = (sa.Index("ix_conversation_step", "step", "updated_at"),)


class ProcessedEvent(SQLModel, table=True):
    """An inbound delivery already handled (Telegram update_id, Twilio MessageSid)."""

    channel: str = Field(primary_key=True, max_length=16)
    event_id: str = Field(primary_key=True, max_length=64)
    created_at: datetime = _ts()


class OutboxStatus(StrEnum):
    """Where an outbound message stands."""

    QUEUED = "queued"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"
    CANCELLED = "cancelled"


class Outbox(SQLModel, table=True):
    """A message that is not an immediate reply, waiting for (or done with) the dispatcher."""

    id: int | None = Field(default=None, primary_key=True)
    channel: str = Field(max_length=16)
    chat_id: str = Field(max_length=64)
    reporter_id: int | None = Field(default=None, foreign_key="reporter.id", index=True)
    kind: str = Field(max_length=32)
    text: str = Field(sa_type=sa.Text)
    buttons: list[list[dict[str, str]]] = Field(default_factory=list, sa_type=sa.JSON)
    template: dict[str, str] | None = Field(default=None, sa_type=sa.JSON)
    urgent: bool = False
    dedupe_key: str = Field(max_length=128, unique=True)
    status: str = Field(default=OutboxStatus.QUEUED.value, max_length=16)
    due_at: datetime = _ts()
    claimed_until: datetime | None = _ts(nullable=True)
    # Set when this lease's send began: a lease that expires with it set may have reached the platform.
    send_started_at: datetime | None = _ts(nullable=True)
    attempts: int = 0
    last_error: str | None = Field(default=None, max_length=500)
    provider_id: str | None = Field(default=None, max_length=64, index=True)
    complaint_id: int | None = Field(default=None, foreign_key="complaint.id", index=True)
    photo_path: str | None = Field(default=None, max_length=255)
    delivery_status: str | None = Field(default=None, max_length=16)
    created_at: datetime = _ts()
    sent_at: datetime | None = _ts(nullable=True)

    __table_args__ = (sa.Index("ix_outbox_due", "status", "due_at", "id"),)


class OperatorRole(StrEnum):
    """What an operator may do: the admin desk everything, an agency its own complaints."""

    ADMIN = "admin"
    AGENCY = "agency"


class Agency(SQLModel, table=True):
    """A responsible agency (OPD) complaints are forwarded to."""

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(max_length=16, unique=True)
    name: str = Field(max_length=128)
    categories: str | None = Field(default=None, max_length=500)  # comma-separated category keys
    created_at: datetime = _ts()


class Operator(SQLModel, table=True):
    """A person who handles complaints through the bot's admin commands."""

    __table_args__ = (sa.UniqueConstraint("channel", "external_id", name="uq_operator_channel_user"),)

    id: int | None = Field(default=None, primary_key=True)
    channel: str = Field(default="telegram", max_length=16)
    external_id: str = Field(max_length=64)
    name: str = Field(max_length=128)
    role: str = Field(max_length=16)
    agency_id: int | None = Field(default=None, foreign_key="agency.id", index=True)
    active: bool = True
    created_at: datetime = _ts()


class Invite(SQLModel, table=True):
    """A one-time code that makes whoever redeems it with /join an operator."""

    id: int | None = Field(default=None, primary_key=True)
    code_hash: str = Field(max_length=64, unique=True)
    role: str = Field(max_length=16)
    agency_id: int | None = Field(default=None, foreign_key="agency.id")
    expires_at: datetime = _ts()
    used_at: datetime | None = _ts(nullable=True)
    used_by: int | None = Field(default=None, foreign_key="operator.id")
    created_at: datetime = _ts()


class ComplaintMessage(SQLModel, table=True):
    """A message between operators and the reporter about a complaint, relayed by the bot."""

    id: int | None = Field(default=None, primary_key=True)
    complaint_id: int = Field(foreign_key="complaint.id", index=True)
    from_reporter: bool
    operator_id: int | None = Field(default=None, foreign_key="operator.id")
    text: str = Field(sa_type=sa.Text)
    created_at: datetime = _ts()


class SentMessage(SQLModel, table=True):
    """A message handed to a provider (Twilio), with the delivery state its callbacks report."""

    provider_id: str = Field(primary_key=True, max_length=64)
    channel: str = Field(max_length=16)
    chat_id: str = Field(max_length=64)
    reporter_id: int | None = Field(default=None, foreign_key="reporter.id", index=True)
    outbox_id: int | None = Field(default=None, foreign_key="outbox.id", index=True)
    via_template: bool = False
    status: str = Field(max_length=16)
    error_code: str | None = Field(default=None, max_length=16)
    followed_up_at: datetime | None = _ts(nullable=True)
    created_at: datetime = _ts()
    updated_at: datetime = _ts()
