"""Open complaints of one category near a point: the lookup behind duplicate suggestions."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, col, select
from sqlmodel.sql.expression import SelectOfScalar

from storage.lifecycle import OPEN
from storage.models import Complaint, Privacy

EARTH_RADIUS_M = 6_371_008.8
METRES_PER_DEGREE = math.pi * EARTH_RADIUS_M / 180
_OPEN = sorted(s.value for s in OPEN)
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


def nearby_query(
    *, category: str, latitude: float, longitude: float, radius_m: float, since: datetime,
    shareable_only: bool = True, agency_id: int | None = None, exclude_reporter_id: int | None = None,
    exclude_id: int | None = None,
) -> SelectOfScalar[Complaint]:
    """The bounding-box query of `nearby_open` (on the (category, latitude, longitude) index)."""
    dlat = radius_m / METRES_PER_DEGREE
    dlon = radius_m / (METRES_PER_DEGREE * max(math.cos(math.radians(latitude)), 1e-6))
    query = select(Complaint).where(
        Complaint.category == category,
        col(Complaint.latitude).between(latitude - dlat, latitude + dlat),
        col(Complaint.longitude).between(longitude - dlon, longitude + dlon),
        col(Complaint.status).in_(_OPEN), col(Complaint.created_at) >= since)
    if shareable_only:
        query = query.where(Complaint.privacy != Privacy.CONFIDENTIAL.value)
    if agency_id is not None:
        query = query.where(Complaint.agency_id == agency_id)
    if exclude_reporter_id is not None:
        query = query.where(Complaint.reporter_id != exclude_reporter_id)
    if exclude_id is not None:
        query = query.where(Complaint.id != exclude_id)
    return query.limit(CANDIDATES)


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
    query = nearby_query(category=category, latitude=latitude, longitude=longitude, radius_m=radius_m,
                         since=since, shareable_only=shareable_only, agency_id=agency_id,
                         exclude_reporter_id=exclude_reporter_id, exclude_id=exclude_id)
    found = []
    for complaint in session.exec(query):
        assert complaint.latitude is not None and complaint.longitude is not None
        metres = distance_m(latitude, longitude, complaint.latitude, complaint.longitude)
        if metres <= radius_m:
            found.append(Nearby(complaint, metres))
    found.sort(key=lambda n: (n.distance_m, n.complaint.id or 0))
    return found[:limit]
