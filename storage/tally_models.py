"""The tables behind /statistik's figures: complaints tallied per local day and month, and the calendar.

storage/tallies.py keeps them (by database triggers); storage/statistics.py adds them up. Each tally's
`day` is the local day received, or in a month tally the first day of the month received; agency 0 is
"not forwarded", and in the area, rating and resolution tallies agency -1 counts every agency at once.
"""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from storage.models import UTCDateTime, utcnow


def _counts_indexes(table: str) -> tuple[sa.Index, ...]:
    return (sa.Index(f"ix_{table}_agency", "agency_id", "day", "status", "category", "n"),
            sa.Index(f"ix_{table}_tally", "status", "category", "agency_id", "day", "n"))


class _Counts(SQLModel):
    day: date = Field(primary_key=True)
    agency_id: int = Field(primary_key=True)
    status: str = Field(primary_key=True, max_length=16)
    category: str = Field(primary_key=True, max_length=32)
    n: int = 0


class ComplaintTally(_Counts, table=True):
    """Complaints per local day received, agency, status and category."""

    __table_args__ = _counts_indexes("complainttally")


class ComplaintMonth(_Counts, table=True):
    """Complaints per local month received, agency, status and category."""

    __table_args__ = _counts_indexes("complaintmonth")


class _Areas(SQLModel):
    day: date = Field(primary_key=True)
    agency_id: int = Field(primary_key=True)
    kecamatan: str = Field(primary_key=True, max_length=100)
    kelurahan: str = Field(primary_key=True, max_length=100)  # '' where not known
    outside_area: bool = Field(primary_key=True)
    n: int = 0


class AreaTally(_Areas, table=True):
    """Complaints per local day received, agency, kecamatan, kelurahan and outside the area."""

    __table_args__ = (sa.Index("ix_areatally_agency", "agency_id", "day"),)


class AreaMonth(_Areas, table=True):
    """Complaints per local month received, agency, kecamatan, kelurahan and outside the area."""

    __table_args__ = (sa.Index("ix_areamonth_agency", "agency_id", "day"),)


class _Ratings(SQLModel):
    day: date = Field(primary_key=True)
    agency_id: int = Field(primary_key=True)
    rating: int = Field(primary_key=True)
    n: int = 0


class RatingTally(_Ratings, table=True):
    """Rated complaints per local day received, agency and rating (1–5)."""


class RatingMonth(_Ratings, table=True):
    """Rated complaints per local month received, agency and rating (1–5)."""


class _Resolutions(SQLModel):
    agency_id: int = Field(primary_key=True)
    day: date = Field(primary_key=True)
    worked: int = Field(primary_key=True)  # working days to resolution; -1: a day outside the calendar table
    n: int = 0


class ResolutionTally(_Resolutions, table=True):
    """Resolved and closed complaints per agency, local day received and working days to resolution."""


class ResolutionMonth(_Resolutions, table=True):
    """Resolved and closed complaints per agency, local month received and working days to resolution."""


class WorkDay(SQLModel, table=True):
    """The working-day calendar: working days from the table's first day up to and including `day`."""

    day: date = Field(primary_key=True)
    running: int


class TallyState(SQLModel, table=True):
    """The time zone whose days the tallies count in (no row: no tallies are kept)."""

    timezone: str = Field(primary_key=True, max_length=64)
    built_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, nullable=False)
