"""The privacy records UU PDP asks a controller to keep: who was shown personal data, and erasures."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from storage.models import _ts


class AccessRecord(SQLModel, table=True):
    """An operator (or the export command) was shown a complaint's personal data (UU PDP's record)."""

    id: int | None = Field(default=None, primary_key=True)
    complaint_id: int = Field(foreign_key="complaint.id", index=True)
    actor: str = Field(max_length=64)
    action: str = Field(max_length=16)
    data: str = Field(max_length=128)
    created_at: datetime = _ts()


class Erasure(SQLModel, table=True):
    """A resident's personal data was erased: when, why and which reports, never the data itself."""

    id: int | None = Field(default=None, primary_key=True)
    reporter_id: int | None = Field(default=None, foreign_key="reporter.id", index=True)
    reason: str = Field(max_length=16)
    actor: str = Field(max_length=64)
    complaint_codes: list[str] = Field(default_factory=list, sa_type=sa.JSON)
    photos_deleted: int = 0
    created_at: datetime = _ts()
