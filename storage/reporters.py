"""Data functions for reporters and their consent (the conversation state is in storage/turns.py)."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.engine import Connection
from sqlmodel import Session, col, select

from storage.models import Complaint, Consent, Reporter
from storage.prepared import Prepared, insert_row

IDLE = "idle"
# Prebuilt statements for the two asked on every first report (no statement building per call).
_COMPLAINT: sa.Table = Complaint.__table__  # type: ignore[attr-defined]
_LAST_NAME = Prepared(sa.select(_COMPLAINT.c.name)
                      .where(_COMPLAINT.c.reporter_id == sa.bindparam("reporter_id"))
                      .order_by(_COMPLAINT.c.id.desc()).limit(sa.bindparam("one")))
_CONSENT: sa.Table = Consent.__table__  # type: ignore[attr-defined]
_INSERT_CONSENT = insert_row(_CONSENT)


def get_reporter(session: Session, *, channel: str, external_id: str) -> Reporter | None:
    """The reporter known by this channel's user id, if any."""
    return session.exec(
        select(Reporter).where(Reporter.channel == channel, Reporter.external_id == external_id)
    ).first()




def record_consent(
    connection: Connection, *, reporter: Reporter, accepted: bool, notice_version: str, locale: str,
    event_id: str, now: datetime,
) -> None:
    """Keep the reporter's answer to the privacy notice, with its time, as proof.

    The reporter's `consent_at` is set on the object; the turn saves it with the conversation.
    """
    assert reporter.id is not None
    _INSERT_CONSENT.run(connection, {"reporter_id": reporter.id, "notice_version": notice_version,
                                     "locale": locale, "accepted": accepted, "event_id": event_id,
                                     "created_at": now})
    reporter.consent_at = now if accepted else None
    reporter.updated_at = now


def consents_of(session: Session, *, reporter_id: int) -> list[Consent]:
    """Every answer the reporter gave to the privacy notice, oldest first."""
    return list(session.exec(select(Consent).where(Consent.reporter_id == reporter_id)
                             .order_by(col(Consent.id))))


def last_report_name(connection: Connection, *, reporter_id: int) -> str | None:
    """The name the reporter gave on their latest report."""
    row = _LAST_NAME.first(connection, {"reporter_id": reporter_id, "one": 1})
    return None if row is None else row[0]
