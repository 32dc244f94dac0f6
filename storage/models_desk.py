"""SQLModel tables of the shared desk and of repeated reports: followers, supporting reports, notes."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from storage.models import _ts


class ComplaintFollower(SQLModel, table=True):
    """A resident who reported the same problem again and follows the first complaint's progress."""

    __table_args__ = (
        sa.UniqueConstraint("complaint_id", "reporter_id", name="uq_follower_complaint_reporter"),)

    id: int | None = Field(default=None, primary_key=True)
    complaint_id: int = Field(foreign_key="complaint.id", index=True)
    reporter_id: int = Field(foreign_key="reporter.id", index=True)
    created_at: datetime = _ts()


class SupportingReport(SQLModel, table=True):
    """What a follower sent about the same problem (photos and description), kept for the officers."""

    id: int | None = Field(default=None, primary_key=True)
    complaint_id: int = Field(foreign_key="complaint.id", index=True)
    reporter_id: int = Field(foreign_key="reporter.id", index=True)
    name: str = Field(max_length=128)
    description: str = Field(sa_type=sa.Text)
    latitude: float | None = None
    longitude: float | None = None
    photos: list[dict[str, Any]] = Field(default_factory=list, sa_type=sa.JSON)
    source_code: str | None = Field(default=None, max_length=16)  # the complaint merged into this one
    created_at: datetime = _ts()


class InternalNote(SQLModel, table=True):
    """An operator's note on a complaint: never shown to the reporter or the public."""

    id: int | None = Field(default=None, primary_key=True)
    complaint_id: int = Field(foreign_key="complaint.id", index=True)
    operator_id: int = Field(foreign_key="operator.id")
    text: str = Field(sa_type=sa.Text)
    created_at: datetime = _ts()


class CannedReply(SQLModel, table=True):
    """A prepared answer operators send with `/balas CODE #KEY`, in the reporter's language."""

    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(max_length=32, unique=True)
    text_id: str = Field(sa_type=sa.Text)
    text_en: str = Field(sa_type=sa.Text)
    created_at: datetime = _ts()
    updated_at: datetime = _ts()
