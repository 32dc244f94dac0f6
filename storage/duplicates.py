"""Open complaints of one category near a point: the lookup behind duplicate suggestions."""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col, select

from storage.lifecycle import OPEN
from storage.models import Complaint, Privacy

EARTH_RADIUS_M = 6_371_008.8
METRES_PER_DEGREE = math.pi * EARTH_RADIUS_M / 180
_OPEN = sorted(s.value for s in OPEN)
_COMPLAINT: sa.Table = Complaint.__table__  # type: ignore[attr-defined]
CANDIDATES = 200  # rows read from the box at most (a box holds a handful in practice)


@dataclass(frozen=True, slots=True)
class Nearby:
    """A complaint near the point, and how far."""

    complaint: Complaint
    distance_m: float


def distance_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """The great-circle distance between two points, in metres (haversine)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(a)))


@functools.cache
def _box(shareable_only: bool, by_agency: bool, excluding_reporter: bool,
         excluding_id: bool) -> sa.Select[Any]:
    """The bounding-box statement for one set of filters, built once: its values are bound parameters.

    Built per call, the statement cost more than the lookup (SQLAlchemy's expression building and
    cache key), and as the ORM's select of whole complaints, their loading too, when nearly always
    nothing is near; the box reads three columns, the few complaints inside the radius come whole after.
    """
    c = _COMPLAINT.c
    query = sa.select(c.id, c.latitude, c.longitude).where(
        c.category == sa.bindparam("category"),
        c.latitude.between(sa.bindparam("south"), sa.bindparam("north")),
        c.longitude.between(sa.bindparam("west"), sa.bindparam("east")),
        c.status.in_(_OPEN), c.created_at >= sa.bindparam("since"))
    if shareable_only:
        query = query.where(c.privacy != Privacy.CONFIDENTIAL.value)
    if by_agency:
        query = query.where(c.agency_id == sa.bindparam("agency_id"))
    if excluding_reporter:
        query = query.where(c.reporter_id != sa.bindparam("exclude_reporter_id"))
    if excluding_id:
        query = query.where(c.id != sa.bindparam("exclude_id"))
    return query.limit(CANDIDATES)


def _box_and_values(
    *, category: str, latitude: float, longitude: float, radius_m: float, since: datetime,
    shareable_only: bool, agency_id: int | None, exclude_reporter_id: int | None, exclude_id: int | None,
) -> tuple[sa.Select[Any], dict[str, Any]]:
    dlat = radius_m / METRES_PER_DEGREE
    dlon = radius_m / (METRES_PER_DEGREE * max(math.cos(math.radians(latitude)), 1e-6))
    values: dict[str, Any] = {"category": category, "south": latitude - dlat, "north": latitude + dlat,
                              "west": longitude - dlon, "east": longitude + dlon, "since": since,
                              "agency_id": agency_id, "exclude_reporter_id": exclude_reporter_id,
                              "exclude_id": exclude_id}
    box = _box(shareable_only, agency_id is not None, exclude_reporter_id is not None, exclude_id is not None)
    return box, values


def nearby_query(
    *, category: str, latitude: float, longitude: float, radius_m: float, since: datetime,
    shareable_only: bool = True, agency_id: int | None = None, exclude_reporter_id: int | None = None,
    exclude_id: int | None = None,
) -> sa.Select[Any]:
    """The bounding-box query of `nearby_open` with its values bound (for EXPLAIN)."""
    box, values = _box_and_values(
        category=category, latitude=latitude, longitude=longitude, radius_m=radius_m, since=since,
        shareable_only=shareable_only, agency_id=agency_id, exclude_reporter_id=exclude_reporter_id,
        exclude_id=exclude_id)
    return box.params({k: v for k, v in values.items() if v is not None})


def nearby_open(
    session: Session, *, category: str, latitude: float, longitude: float, radius_m: float, since: datetime,
    shareable_only: bool = True, agency_id: int | None = None, exclude_reporter_id: int | None = None,
    exclude_id: int | None = None, limit: int = 3,
) -> list[Nearby]:
    """Open complaints of `category` filed since `since` within `radius_m` of the point, nearest first.

    `shareable_only` keeps out confidential complaints (what a resident may be shown); `agency_id` keeps
    only that agency's. The bounding box runs on the (category, latitude, longitude) index; the exact
    distance is then worked out for the few rows inside it.
    """
    box, values = _box_and_values(
        category=category, latitude=latitude, longitude=longitude, radius_m=radius_m, since=since,
        shareable_only=shareable_only, agency_id=agency_id, exclude_reporter_id=exclude_reporter_id,
        exclude_id=exclude_id)
    distances = {}
    for key, lat, lon in session.connection().execute(box, values):
        metres = distance_m(latitude, longitude, lat, lon)
        if metres <= radius_m:
            distances[key] = metres
    nearest = sorted(distances, key=lambda key: (distances[key], key))[:limit]
    if not nearest:
        return []
    complaints = {c.id: c for c in session.exec(select(Complaint).where(col(Complaint.id).in_(nearest)))}
    return [Nearby(complaints[key], distances[key]) for key in nearest]
