"""The tables behind /statistik's figures: complaint tallies per local day (see storage/tallies.py)."""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from storage.models import UTCDateTime, utcnow


class ComplaintTally(SQLModel, table=True):
    """Complaints counted per local day received, agency (0: none), status and category, kept by triggers.

    /statistik adds these up for whole days instead of counting complaints (see storage/tallies.py).
    """

    day: date = Field(primary_key=True)
    agency_id: int = Field(primary_key=True)
    status: str = Field(primary_key=True, max_length=16)
    category: str = Field(primary_key=True, max_length=32)
    n: int = 0

    __table_args__ = (sa.Index("ix_complainttally_agency", "agency_id", "day", "status", "category", "n"),
                      sa.Index("ix_complainttally_tally", "status", "category", "agency_id", "day", "n"))


class ResolutionTally(SQLModel, table=True):
    """Resolved and closed complaints per agency (0: none, -1: every agency), day received, day resolved."""

    agency_id: int = Field(primary_key=True)
    day: date = Field(primary_key=True)
    resolved_day: date = Field(primary_key=True)
    n: int = 0


class TallyState(SQLModel, table=True):
    """The time zone whose days the tallies count in (no row: no tallies are kept)."""

    timezone: str = Field(primary_key=True, max_length=64)
    built_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, nullable=False)
