"""Complaints as flat records for export (JSON Lines or CSV)."""

from __future__ import annotations

import csv
import io
import json
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from sqlmodel import Session, col, select

from storage.models import Complaint, Photo, StatusChange

CSV_FIELDS = ("code", "status", "channel", "privacy", "name", "address", "latitude", "longitude", "kelurahan",
              "kecamatan", "outside_area", "reporters_count",
              "description", "category", "photos", "created_at", "updated_at", "history")
BATCH = 500


def complaint_records(session: Session, *, media_dir: Path) -> Iterator[dict[str, Any]]:
    """Every complaint with its photos and history, oldest first, read in batches."""
    last_id = 0
    while True:
        batch = list(session.exec(select(Complaint).where(col(Complaint.id) > last_id)
                                  .order_by(col(Complaint.id)).limit(BATCH)))
        if not batch:
            return
        ids = [c.id for c in batch]
        photos: dict[int, list[str]] = defaultdict(list)
        for photo in session.exec(select(Photo).where(col(Photo.complaint_id).in_(ids))
                                  .order_by(col(Photo.complaint_id), col(Photo.position))):
            photos[photo.complaint_id].append(str(media_dir / photo.path))
        history: dict[int, list[dict[str, Any]]] = defaultdict(list)
        for change in session.exec(select(StatusChange).where(col(StatusChange.complaint_id).in_(ids))
                                   .order_by(col(StatusChange.id))):
            history[change.complaint_id].append({
                "from": change.from_status, "to": change.to_status, "note": change.note,
                "public": change.public, "actor": change.actor, "at": change.created_at.isoformat(),
            })
        for complaint in batch:
            assert complaint.id is not None
            yield {
                "code": complaint.code, "status": complaint.status, "channel": complaint.channel,
                "privacy": complaint.privacy, "name": complaint.name, "address": complaint.address,
                "latitude": complaint.latitude, "longitude": complaint.longitude,
                "location_source": complaint.location_source, "kelurahan": complaint.kelurahan,
                "kecamatan": complaint.kecamatan, "outside_area": complaint.outside_area,
                "reporters_count": complaint.reporters_count,
                "description": complaint.description, "category": complaint.category,
                "photos": photos[complaint.id], "created_at": complaint.created_at.isoformat(),
                "updated_at": complaint.updated_at.isoformat(), "history": history[complaint.id],
            }
        last_id = batch[-1].id or last_id


def to_jsonl(record: dict[str, Any]) -> str:
    """One record as a JSON line."""
    return json.dumps(record, ensure_ascii=False) + "\n"


def csv_header() -> str:
    """The CSV header line."""
    return _csv_line(list(CSV_FIELDS))


def to_csv(record: dict[str, Any]) -> str:
    """One record as a CSV line; photos are joined by `|`, the history is JSON."""
    values = []
    for name in CSV_FIELDS:
        value = record.get(name)
        if name == "photos":
            value = "|".join(value or [])
        elif name == "history":
            value = json.dumps(value, ensure_ascii=False)
        values.append("" if value is None else value)
    return _csv_line(values)


def _csv_line(values: list[Any]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerow(values)
    return buffer.getvalue()
