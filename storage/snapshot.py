"""What the metrics endpoint reports from the database: queue depths, complaints, age and breaches."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from storage.inbox import inbox_depths
from storage.models import Complaint, ComplaintStatus, Outbox

_COMPLAINT: sa.Table = Complaint.__table__  # type: ignore[attr-defined]
_OUTBOX: sa.Table = Outbox.__table__  # type: ignore[attr-defined]
# A deadline runs only while the complaint waits for the desk or the agency.
_OPEN = (ComplaintStatus.RECEIVED, ComplaintStatus.VERIFIED, ComplaintStatus.IN_PROGRESS,
         ComplaintStatus.REOPENED)


@dataclass(frozen=True, slots=True)
class Snapshot:
    """Counts read in one go, for one scrape."""

    outbox: dict[tuple[str, str], int]
    complaints: dict[str, int]
    oldest_unverified_seconds: float
    deadline_breaches: int
    inbox_depth: dict[str, int]  # by channel


def take_snapshot(engine: Engine, *, now: datetime) -> Snapshot:
    """The current figures (a few aggregate queries)."""
    with engine.connect() as connection:
        outbox = {(r.channel, r.status): int(r.n) for r in connection.execute(
            sa.select(_OUTBOX.c.channel, _OUTBOX.c.status, sa.func.count().label("n"))
            .group_by(_OUTBOX.c.channel, _OUTBOX.c.status))}
        complaints = {r.status: int(r.n) for r in connection.execute(
            sa.select(_COMPLAINT.c.status, sa.func.count().label("n")).group_by(_COMPLAINT.c.status))}
        oldest = connection.execute(sa.select(sa.func.min(_COMPLAINT.c.created_at))
                                    .where(_COMPLAINT.c.status == ComplaintStatus.RECEIVED)).scalar()
        breaches = connection.execute(
            sa.select(sa.func.count()).select_from(_COMPLAINT)
            .where(_COMPLAINT.c.deadline_at < now,
                   _COMPLAINT.c.status.in_([s.value for s in _OPEN]))).scalar_one()
        depth = inbox_depths(connection)
    if oldest is not None and oldest.tzinfo is None:  # an aggregate comes back without the column's type
        oldest = oldest.replace(tzinfo=now.tzinfo)
    age = 0.0 if oldest is None else max(0.0, (now - oldest).total_seconds())
    return Snapshot(outbox, complaints, age, int(breaches), depth)
