"""Erasing a resident's personal data (UU PDP No. 27/2022): on request, at the counter, at retention.

What stays is what the agency's statistics and audit need: status, category, agency, dates and the
history, with the resident's words and details taken out. The caller deletes the returned files
before committing, so a crash leaves either everything erased or nothing (a re-run finishes it).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import sqlalchemy as sa
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

REDACTED = "***"
# Two decimals of a degree: about 1.1 km, enough for statistics by district, not enough to find a house.
LOCATION_DECIMALS = 2
TOMBSTONE_PREFIX = "erased:"
# Identifiers shorter than this are not searched for in free text (they would match ordinary words).
MIN_SECRET = 3


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


def identifiers(reporter: Reporter | None, complaints: Iterable[Complaint]) -> list[str]:
    """The strings that identify a resident: names and addresses given, profile name, phone, chat id."""
    found = [value for c in complaints for value in (c.name, c.address) if value]
    if reporter is not None and reporter.erased_at is None:
        found += [v for v in (reporter.profile_name, reporter.external_id, reporter.chat_id) if v]
        number = reporter.external_id.lstrip("+")
        if reporter.external_id.startswith("+") and number.isdigit():  # the ways a number gets written
            found += [number] + (["0" + number[2:]] if number.startswith("62") else [])
    return found


def erase_complaint(session: Session, complaint: Complaint, *, secrets: list[str],
                    now: datetime) -> list[str]:
    """Take the personal data out of one complaint and its history; the photo files to delete."""
    assert complaint.id is not None
    photos = list(session.exec(select(Photo).where(Photo.complaint_id == complaint.id)))
    for photo in photos:
        session.delete(photo)
    complaint.name = ""
    complaint.address = None
    if complaint.latitude is not None and complaint.longitude is not None:
        complaint.latitude = round(complaint.latitude, LOCATION_DECIMALS)
        complaint.longitude = round(complaint.longitude, LOCATION_DECIMALS)
    complaint.description = scrub(complaint.description, secrets) or ""
    complaint.erased_at = now
    session.add(complaint)
    for change in session.exec(select(StatusChange).where(StatusChange.complaint_id == complaint.id)):
        if change.note:
            # The resident's own words are dropped; an officer's note loses only what names the resident.
            change.note = REDACTED if change.actor.startswith("reporter:") else scrub(change.note, secrets)
            session.add(change)
    session.exec(sa.update(ComplaintMessage).where(col(ComplaintMessage.complaint_id) == complaint.id)
                 .values(text=""))
    outbox_of = col(Outbox.complaint_id) == complaint.id
    session.exec(sa.update(Outbox).where(outbox_of, col(Outbox.status) == OutboxStatus.QUEUED.value)
                 .values(status=OutboxStatus.CANCELLED.value, last_error="personal data erased"))
    session.exec(sa.update(Outbox).where(outbox_of).values(text="", photo_path=None))
    return [photo.path for photo in photos]


def _draft_files(data: dict[str, Any] | None) -> list[str]:
    draft = (data or {}).get("draft") or {}
    return [p["path"] for p in draft.get("photos", []) if isinstance(p, dict) and p.get("path")]


def erase_reporter(session: Session, *, reporter_id: int, now: datetime, reason: str,
                   actor: str) -> Erased | None:
    """Erase everything that identifies a resident and leave an anonymous tombstone; None if already done.

    Complaints stay (without personal data) for statistics; the conversation and any draft go; messages
    queued for the resident are cancelled; the erasure is recorded without the data erased.
    """
    reporter = session.get(Reporter, reporter_id)
    if reporter is None or reporter.erased_at is not None:
        return None
    complaints = list(session.exec(select(Complaint).where(Complaint.reporter_id == reporter_id)
                                   .order_by(col(Complaint.id))))
    secrets = identifiers(reporter, complaints)
    erased = Erased(reporter_id=reporter_id)
    newly: list[str] = []  # the record names the reports whose data this erasure took (not those done before)
    for complaint in complaints:
        erased.complaint_codes.append(complaint.code)
        if complaint.status in OPEN:
            erased.open_codes.append(complaint.code)
        if complaint.erased_at is None:
            newly.append(complaint.code)
            erased.files += erase_complaint(session, complaint, secrets=secrets, now=now)
    photos_deleted = len(erased.files)
    conversation = session.exec(select(Conversation).where(Conversation.reporter_id == reporter_id)).first()
    if conversation is not None:
        erased.files += _draft_files(conversation.data)
        session.delete(conversation)
    mine = col(Outbox.reporter_id) == reporter_id
    session.exec(sa.update(Outbox).where(mine, col(Outbox.status) == OutboxStatus.QUEUED.value)
                 .values(status=OutboxStatus.CANCELLED.value, last_error="personal data erased"))
    session.exec(sa.update(Outbox).where(mine).values(text="", chat_id="", photo_path=None))
    session.exec(sa.update(SentMessage).where(col(SentMessage.reporter_id) == reporter_id)
                 .values(chat_id=""))
    reporter.external_id = f"{TOMBSTONE_PREFIX}{reporter_id}"
    reporter.chat_id = ""
    reporter.profile_name = None
    reporter.consent_at = reporter.last_inbound_at = None
    reporter.opted_out_at = reporter.unreachable_at = reporter.erased_at = reporter.updated_at = now
    session.add(reporter)
    session.add(Erasure(reporter_id=reporter_id, reason=reason, actor=actor, created_at=now,
                        complaint_codes=newly, photos_deleted=photos_deleted))
    session.flush()
    return erased


def erase_expired_complaint(session: Session, *, complaint_id: int, now: datetime) -> Erased | None:
    """Retention: erase the personal data of one closed complaint; None if it was erased already."""
    complaint = session.get(Complaint, complaint_id)
    if complaint is None or complaint.erased_at is not None:
        return None
    reporter = session.get(Reporter, complaint.reporter_id)
    files = erase_complaint(session, complaint, secrets=identifiers(reporter, [complaint]), now=now)
    session.add(Erasure(reporter_id=complaint.reporter_id, reason="retention", actor="system",
                        complaint_codes=[complaint.code], photos_deleted=len(files), created_at=now))
    session.flush()
    return Erased(reporter_id=complaint.reporter_id, complaint_codes=[complaint.code], files=files)


def find_resident(session: Session, *, channel: str, external_id: str) -> Reporter | None:
    """The (not erased) resident known on `channel` by `external_id`."""
    return session.exec(select(Reporter).where(
        Reporter.channel == channel, Reporter.external_id == external_id, col(Reporter.erased_at).is_(None)
    )).first()


def erasures_of(session: Session, *, reporter_id: int) -> list[Erasure]:
    """The erasures recorded for a reporter (tombstone), oldest first."""
    return list(session.exec(select(Erasure).where(Erasure.reporter_id == reporter_id)
                             .order_by(col(Erasure.id))))


@dataclass(frozen=True)
class ErasurePreview:
    """What an erasure of one resident would touch, counted, for the confirmation they are shown."""

    reports: int
    open_codes: list[str]
    photos: int
    messages: int
    has_draft: bool


def erasure_preview(session: Session, *, reporter_id: int) -> ErasurePreview:
    """Count what `erase_reporter` would erase for this resident."""
    complaints = list(session.exec(select(Complaint).where(Complaint.reporter_id == reporter_id)))
    ids = [c.id for c in complaints]
    photos = len(session.exec(select(Photo.id).where(col(Photo.complaint_id).in_(ids))).all())
    messages = len(session.exec(select(ComplaintMessage.id).where(col(ComplaintMessage.complaint_id).in_(ids),
                                                                  ComplaintMessage.text != "")).all())
    conversation = session.exec(select(Conversation).where(Conversation.reporter_id == reporter_id)).first()
    draft_photos = _draft_files(conversation.data if conversation else None)
    has_draft = bool(conversation is not None and (conversation.data or {}).get("draft"))
    open_codes = [c.code for c in complaints if c.status in OPEN]
    return ErasurePreview(reports=len(complaints), open_codes=open_codes,
                          photos=photos + len(draft_photos), messages=messages, has_draft=has_draft)
