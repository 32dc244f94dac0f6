"""Data functions of the outbox: every message that is not an immediate reply goes through it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from storage.models import Outbox, OutboxStatus, Reporter


def enqueue(
    session: Session, *, channel: str, chat_id: str, text: str, kind: str, dedupe_key: str,
    due_at: datetime, reporter_id: int | None = None,
    buttons: Sequence[Sequence[tuple[str, str]]] = (), template: dict[str, str] | None = None,
    urgent: bool = False, complaint_id: int | None = None, photo_path: str | None = None,
) -> Outbox | None:
    """Queue a message in the caller's transaction; None when `dedupe_key` was queued before.

    Buttons are rows of (label, data) pairs, rendered by each channel as it can.
    """
    if session.exec(select(Outbox.id).where(Outbox.dedupe_key == dedupe_key)).first() is not None:
        return None
    row = Outbox(channel=channel, chat_id=chat_id, reporter_id=reporter_id, kind=kind, text=text,
                 buttons=[[{"label": label, "data": data} for label, data in row] for row in buttons],
                 template=template, urgent=urgent, dedupe_key=dedupe_key, due_at=due_at,
                 complaint_id=complaint_id, photo_path=photo_path)
    try:
        with session.begin_nested():
            session.add(row)
            session.flush()
    except IntegrityError:  # queued meanwhile by another process: the key did its job
        return None
    return row


def enqueue_for_reporter(
    session: Session, *, reporter: Reporter, text: str, kind: str, dedupe_key: str, due_at: datetime,
    buttons: Sequence[Sequence[tuple[str, str]]] = (), template: dict[str, str] | None = None,
    urgent: bool = False, complaint_id: int | None = None,
) -> Outbox | None:
    """Queue a message to a reporter on the channel they reported from (never to an erased one)."""
    if reporter.erased_at is not None:
        return None
    return enqueue(session, channel=reporter.channel, chat_id=reporter.chat_id, text=text, kind=kind,
                   dedupe_key=dedupe_key, due_at=due_at, reporter_id=reporter.id, buttons=buttons,
                   template=template, urgent=urgent, complaint_id=complaint_id)


def claim_due(session: Session, *, now: datetime, lease_until: datetime, limit: int) -> list[Outbox]:
    """Atomically take up to `limit` due queued rows for this process, leased until `lease_until`.

    On PostgreSQL the candidate rows are locked with FOR UPDATE SKIP LOCKED, so several dispatchers
    share the work; on SQLite the UPDATE ... WHERE status = 'queued' is itself the atomic claim.
    Commits, so the lease is visible to every other process before anything is sent.
    """
    due = (select(Outbox.id).where(Outbox.status == OutboxStatus.QUEUED.value, Outbox.due_at <= now)
           .order_by(col(Outbox.due_at), col(Outbox.id)).limit(limit))
    if session.get_bind().dialect.name == "postgresql":
        due = due.with_for_update(skip_locked=True)
    claimed = session.exec(
        sa.update(Outbox).where(col(Outbox.id).in_(due.scalar_subquery()),
                                col(Outbox.status) == OutboxStatus.QUEUED.value)
        .values(status=OutboxStatus.SENDING.value, claimed_until=lease_until, send_started_at=None)
        .returning(col(Outbox.id))
    ).all()
    session.commit()
    ids = sorted(row[0] for row in claimed)
    if not ids:
        return []
    rows = session.exec(select(Outbox).where(col(Outbox.id).in_(ids))
                        .order_by(col(Outbox.due_at), col(Outbox.id))).all()
    return list(rows)


@dataclass(frozen=True)
class Released:
    """Rows whose lease expired, put back in the queue; `mid_send` had begun their send."""

    waiting: list[int]
    mid_send: list[int]


def release_expired_leases(session: Session, *, now: datetime) -> Released:
    """Put rows whose sender died (before or during their send) back in the queue."""
    released = session.exec(
        sa.update(Outbox).where(col(Outbox.status) == OutboxStatus.SENDING.value,
                                col(Outbox.claimed_until) < now)
        .values(status=OutboxStatus.QUEUED.value, claimed_until=None)
        .returning(col(Outbox.id), col(Outbox.send_started_at))
    ).all()
    mid_send = sorted(r[0] for r in released if r[1] is not None)
    if mid_send:
        session.exec(sa.update(Outbox).where(col(Outbox.id).in_(mid_send)).values(send_started_at=None))
    session.commit()
    return Released(waiting=sorted(r[0] for r in released if r[1] is None), mid_send=mid_send)


def finish(session: Session, *, row_id: int, status: OutboxStatus, now: datetime,
           provider_id: str | None = None, error: str | None = None) -> None:
    """Record the final outcome of a claimed row: sent, failed or cancelled."""
    values: dict[str, Any] = {"status": status.value, "claimed_until": None}
    if status is OutboxStatus.SENT:
        values.update(sent_at=now, provider_id=provider_id)
    if error is not None:
        values["last_error"] = error[:500]
    session.exec(sa.update(Outbox).where(col(Outbox.id) == row_id).values(**values))


def requeue(session: Session, *, row_id: int, due_at: datetime, error: str, count_attempt: bool) -> None:
    """Put a claimed row back in the queue to be tried again at `due_at`."""
    values: dict[str, Any] = {"status": OutboxStatus.QUEUED.value, "claimed_until": None,
                              "due_at": due_at, "last_error": error[:500]}
    if count_attempt:
        values["attempts"] = Outbox.attempts + 1
    session.exec(sa.update(Outbox).where(col(Outbox.id) == row_id).values(**values))


def cancel_queued_for(session: Session, *, reporter_id: int, reason: str) -> int:
    """Cancel everything still queued for a reporter who cannot or must not be reached."""
    result = session.exec(
        sa.update(Outbox).where(col(Outbox.reporter_id) == reporter_id,
                                col(Outbox.status) == OutboxStatus.QUEUED.value)
        .values(status=OutboxStatus.CANCELLED.value, last_error=reason)
    )
    return int(result.rowcount)


def renew_lease(session: Session, *, row_id: int, held_until: datetime, lease_until: datetime) -> bool:
    """Extend a lease this process still holds; False when it lapsed and was taken meanwhile."""
    result = session.exec(
        sa.update(Outbox).where(col(Outbox.id) == row_id, col(Outbox.status) == OutboxStatus.SENDING.value,
                                col(Outbox.claimed_until) == held_until)
        .values(claimed_until=lease_until)
    )
    return bool(result.rowcount)


def unclaim(session: Session, *, row_ids: Sequence[int]) -> None:
    """Give claimed rows back to the queue untouched (not tried, no attempt counted)."""
    session.exec(
        sa.update(Outbox).where(col(Outbox.id).in_(list(row_ids)),
                                col(Outbox.status) == OutboxStatus.SENDING.value)
        .values(status=OutboxStatus.QUEUED.value, claimed_until=None)
    )


def mark_started(connection: Connection, *, row_ids: Sequence[int], now: datetime) -> None:
    """Record that the sends of these leased rows began (so an expired lease tells a possible repeat)."""
    connection.execute(_STARTED, [{"row_id": row_id, "at": now} for row_id in row_ids])


def mark_sent(connection: Connection, *, sent: Sequence[tuple[int, str | None, datetime]]) -> None:
    """Record many sends at once: (row id, the platform's message id, when)."""
    connection.execute(_SENT, [{"row_id": row_id, "pid": pid, "at": at} for row_id, pid, at in sent])


# Prebuilt: these run once per send or so, on the dispatcher's hot path.
_TABLE: sa.Table = Outbox.__table__  # type: ignore[attr-defined]
_STARTED = (_TABLE.update()
            .where(_TABLE.c.id == sa.bindparam("row_id"), _TABLE.c.status == OutboxStatus.SENDING.value)
            .values(send_started_at=sa.bindparam("at")))
_SENT = (_TABLE.update().where(_TABLE.c.id == sa.bindparam("row_id"))
         .values(status=OutboxStatus.SENT.value, claimed_until=None, provider_id=sa.bindparam("pid"),
                 sent_at=sa.bindparam("at")))
