"""Erasing a resident's personal data (UU PDP No. 27/2022): on request, at the counter, at retention.

What stays is what the agency's statistics and audit need: status, category, agency, dates and the
history, with the resident's words and details taken out. The caller deletes the returned files
before committing, so a crash leaves either everything erased or nothing (a re-run finishes it).
Plain statements over whole batches: a purge touches thousands of complaints.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection
from sqlmodel import Session, col, select

from storage.lifecycle import OPEN
from storage.models import (
    Complaint,
    ComplaintMessage,
    Conversation,
    Outbox,
    OutboxStatus,
    Photo,
    Reporter,
    SentMessage,
    StatusChange,
)
from storage.privacy_records import Erasure
from storage.privacy_repeats import erase_follower, erase_supporting_on, scrub_notes

REDACTED = "***"
# Two decimals of a degree: about 1.1 km, enough for statistics by district, not enough to find a house.
LOCATION_DECIMALS = 2
TOMBSTONE_PREFIX = "erased:"
# Identifiers shorter than this are not searched for in free text (they would match ordinary words).
MIN_SECRET = 3

_COMPLAINT: sa.Table = Complaint.__table__  # type: ignore[attr-defined]
_PHOTO: sa.Table = Photo.__table__  # type: ignore[attr-defined]
_CHANGE: sa.Table = StatusChange.__table__  # type: ignore[attr-defined]
_MESSAGE: sa.Table = ComplaintMessage.__table__  # type: ignore[attr-defined]
_OUTBOX: sa.Table = Outbox.__table__  # type: ignore[attr-defined]
_REPORTER: sa.Table = Reporter.__table__  # type: ignore[attr-defined]
_CONVERSATION: sa.Table = Conversation.__table__  # type: ignore[attr-defined]
_SENT: sa.Table = SentMessage.__table__  # type: ignore[attr-defined]
_ERASURE: sa.Table = Erasure.__table__  # type: ignore[attr-defined]
_QUEUED = OutboxStatus.QUEUED.value
_CANCELLED = OutboxStatus.CANCELLED.value


@dataclass
class Erased:
    """What one erasure did: the reports it touched, those still open, and the files to delete."""

    reporter_id: int | None
    complaint_codes: list[str] = field(default_factory=list)
    open_codes: list[str] = field(default_factory=list)
    files: list[str] = field(default_factory=list)


def scrub(text: str | None, secrets: Iterable[str]) -> str | None:
    """`text` with every occurrence of the given identifiers (any case) replaced by ***."""
    if not text:
        return text
    words = sorted({s.strip() for s in secrets if s and len(s.strip()) >= MIN_SECRET},
                   key=len, reverse=True)
    if not words:
        return text
    return re.sub("|".join(re.escape(w) for w in words), REDACTED, text, flags=re.IGNORECASE)


def identifiers(reporter: Any, complaints: Iterable[Any]) -> list[str]:
    """The strings that identify a resident: names and addresses given, profile name, phone, chat id.

    Takes model objects or rows (anything with the columns as attributes).
    """
    found = [value for c in complaints for value in (c.name, c.address) if value]
    if reporter is not None and reporter.erased_at is None:
        found += [v for v in (reporter.profile_name, reporter.external_id, reporter.chat_id) if v]
        number = reporter.external_id.lstrip("+")
        if reporter.external_id.startswith("+") and number.isdigit():  # the ways a number gets written
            found += [number] + (["0" + number[2:]] if number.startswith("62") else [])
    return found


def _erase_complaints(connection: Connection, rows: Sequence[Any], secrets: dict[int, list[str]],
                      now: datetime) -> list[tuple[int, str]]:
    """Take the personal data out of these complaints and their history; (complaint id, photo file)."""
    ids = [row.id for row in rows]
    if not ids:
        return []
    files = [(owner, path) for owner, path in connection.execute(
        sa.select(_PHOTO.c.complaint_id, _PHOTO.c.path).where(_PHOTO.c.complaint_id.in_(ids)))]
    connection.execute(_PHOTO.delete().where(_PHOTO.c.complaint_id.in_(ids)))
    connection.execute(
        _COMPLAINT.update().where(_COMPLAINT.c.id == sa.bindparam("b_id"))
        .values(name="", address=None, latitude=sa.bindparam("b_lat"), longitude=sa.bindparam("b_lon"),
                description=sa.bindparam("b_text"), erased_at=sa.bindparam("b_at")),
        [{"b_id": row.id, "b_at": now, "b_text": scrub(row.description, secrets[row.id]) or "",
          "b_lat": None if row.latitude is None else round(row.latitude, LOCATION_DECIMALS),
          "b_lon": None if row.longitude is None else round(row.longitude, LOCATION_DECIMALS)}
         for row in rows])
    notes = connection.execute(
        sa.select(_CHANGE.c.id, _CHANGE.c.complaint_id, _CHANGE.c.actor, _CHANGE.c.note)
        .where(_CHANGE.c.complaint_id.in_(ids), _CHANGE.c.note.is_not(None))).all()
    # The resident's own words are dropped; an officer's note loses only what names the resident.
    changed = [{"b_id": n.id, "b_note": REDACTED if n.actor.startswith("reporter:")
                else scrub(n.note, secrets[n.complaint_id])} for n in notes]
    changed = [c for c, n in zip(changed, notes, strict=True) if c["b_note"] != n.note]
    if changed:
        connection.execute(_CHANGE.update().where(_CHANGE.c.id == sa.bindparam("b_id"))
                           .values(note=sa.bindparam("b_note")), changed)
    connection.execute(_MESSAGE.update().where(_MESSAGE.c.complaint_id.in_(ids)).values(text=""))
    scrub_notes(connection, secrets={i: secrets[i] for i in ids}, scrub=scrub)
    of_these = _OUTBOX.c.complaint_id.in_(ids)
    connection.execute(_OUTBOX.update().where(of_these, _OUTBOX.c.status == _QUEUED)
                       .values(status=_CANCELLED, last_error="personal data erased"))
    connection.execute(_OUTBOX.update().where(of_these).values(text="", photo_path=None))
    return files


def _draft_files(data: dict[str, Any] | None) -> list[str]:
    draft = (data or {}).get("draft") or {}
    return [p["path"] for p in draft.get("photos", []) if isinstance(p, dict) and p.get("path")]


def erase_reporter(connection: Connection, *, reporter_id: int, now: datetime, reason: str,
                   actor: str) -> Erased | None:
    """Erase everything that identifies a resident and leave an anonymous tombstone; None if already done.

    Complaints stay (without personal data) for statistics; the conversation and any draft go; messages
    queued for the resident are cancelled; the erasure is recorded without the data erased.
    """
    reporter = connection.execute(sa.select(_REPORTER).where(_REPORTER.c.id == reporter_id)).first()
    if reporter is None or reporter.erased_at is not None:
        return None
    complaints = connection.execute(sa.select(_COMPLAINT).where(_COMPLAINT.c.reporter_id == reporter_id)
                                    .order_by(_COMPLAINT.c.id)).all()
    secrets = identifiers(reporter, complaints)
    pending = [c for c in complaints if c.erased_at is None]
    erased = Erased(reporter_id=reporter_id, complaint_codes=[c.code for c in complaints],
                    open_codes=[c.code for c in complaints if c.status in OPEN])
    photos = _erase_complaints(connection, pending, dict.fromkeys((c.id for c in pending), secrets), now)
    erased.files = [path for _owner, path in photos]
    followed = erase_follower(connection, reporter_id=reporter_id, secrets=secrets, scrub=scrub)
    erased.files += [path for path in followed if path not in erased.files]
    photos_deleted = len(photos)
    conversation = connection.execute(sa.select(_CONVERSATION.c.data)
                                      .where(_CONVERSATION.c.reporter_id == reporter_id)).first()
    if conversation is not None:
        erased.files += _draft_files(conversation.data)
        connection.execute(_CONVERSATION.delete().where(_CONVERSATION.c.reporter_id == reporter_id))
    mine = _OUTBOX.c.reporter_id == reporter_id
    connection.execute(_OUTBOX.update().where(mine, _OUTBOX.c.status == _QUEUED)
                       .values(status=_CANCELLED, last_error="personal data erased"))
    connection.execute(_OUTBOX.update().where(mine).values(text="", chat_id="", photo_path=None))
    connection.execute(_SENT.update().where(_SENT.c.reporter_id == reporter_id).values(chat_id=""))
    connection.execute(_REPORTER.update().where(_REPORTER.c.id == reporter_id).values(
        external_id=f"{TOMBSTONE_PREFIX}{reporter_id}", chat_id="", profile_name=None, consent_at=None,
        last_inbound_at=None, opted_out_at=now, unreachable_at=now, erased_at=now, updated_at=now))
    # The record names the reports whose data this erasure took (not those erased before).
    connection.execute(_ERASURE.insert(), {"reporter_id": reporter_id, "reason": reason, "actor": actor,
                                           "complaint_codes": [c.code for c in pending],
                                           "photos_deleted": photos_deleted, "created_at": now})
    return erased


def erase_expired_complaints(connection: Connection, *, complaint_ids: Sequence[int],
                             now: datetime) -> Erased:
    """Retention: erase the personal data of these ended complaints (not erased yet), one record each."""
    rows = connection.execute(sa.select(_COMPLAINT).where(_COMPLAINT.c.id.in_(list(complaint_ids)),
                                                          _COMPLAINT.c.erased_at.is_(None))
                              .order_by(_COMPLAINT.c.id)).all()
    reporters = {r.id: r for r in connection.execute(
        sa.select(_REPORTER).where(_REPORTER.c.id.in_({row.reporter_id for row in rows})))}
    secrets = {row.id: identifiers(reporters.get(row.reporter_id), [row]) for row in rows}
    erased = Erased(reporter_id=None, complaint_codes=[row.code for row in rows])
    photos = _erase_complaints(connection, rows, secrets, now)
    erased.files = [path for _owner, path in photos]
    erased.files += erase_supporting_on(connection, complaint_ids=[row.id for row in rows])
    counts = Counter(owner for owner, _path in photos)
    if rows:
        connection.execute(_ERASURE.insert(), [
            {"reporter_id": row.reporter_id, "reason": "retention", "actor": "system", "created_at": now,
             "complaint_codes": [row.code], "photos_deleted": counts[row.id]} for row in rows])
    return erased


def find_resident(session: Session, *, channel: str, external_id: str) -> Reporter | None:
    """The (not erased) resident known on `channel` by `external_id`."""
    return session.exec(select(Reporter).where(
        Reporter.channel == channel, Reporter.external_id == external_id, col(Reporter.erased_at).is_(None)
    )).first()


@dataclass(frozen=True)
class ErasurePreview:
    """What an erasure of one resident would touch, counted, for the confirmation they are shown."""

    reports: int
    open_codes: list[str]
    photos: int
    messages: int


def erasure_preview(session: Session, *, reporter_id: int) -> ErasurePreview:
    """Count what `erase_reporter` would erase for this resident."""
    complaints = list(session.exec(select(Complaint).where(Complaint.reporter_id == reporter_id)))
    ids = [c.id for c in complaints]
    photos = len(session.exec(select(Photo.id).where(col(Photo.complaint_id).in_(ids))).all())
    messages = len(session.exec(select(ComplaintMessage.id).where(col(ComplaintMessage.complaint_id).in_(ids),
                                                                  ComplaintMessage.text != "")).all())
    conversation = session.exec(select(Conversation).where(Conversation.reporter_id == reporter_id)).first()
    draft_photos = _draft_files(conversation.data if conversation else None)
    open_codes = [c.code for c in complaints if c.status in OPEN]
    return ErasurePreview(reports=len(complaints), open_codes=open_codes, photos=photos + len(draft_photos),
                          messages=messages)
