"""Data functions for messages a webhook accepted: stored first, handled in order, then forgotten.

Every channel's webhook messages share one table (Telegram's updates, Twilio's WhatsApp messages), told
apart by channel; an event id (update_id, MessageSid) is stored once, so a redelivery finds it there.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Connection, Engine

from storage.locks import lock_resident_arrival, shared
from storage.models import ProcessedEvent, utcnow
from storage.shared_models import WebhookInbox

_INBOX: sa.Table = WebhookInbox.__table__  # type: ignore[attr-defined]
_PROCESSED: sa.Table = ProcessedEvent.__table__  # type: ignore[attr-defined]
_NOW = sa.text("SELECT clock_timestamp()")


@dataclass(frozen=True, slots=True)
class QueuedEvent:
    """One stored message, as the inbox hands it back."""

    id: int
    event_id: str
    resident: str
    album: str | None
    payload: dict[str, Any]
    stored_at: datetime
    replies: dict[str, Any] | None = None
    replies_sent: int = 0


def database_now(connection: Connection) -> datetime:
    """The database's clock (every instance reads the same one); this process's on SQLite, its only user."""
    if not shared(connection):
        return utcnow()
    now: datetime = connection.execute(_NOW).scalar_one()
    return now.astimezone(UTC)


def accept_event(
    engine: Engine, *, channel: str, event_id: str, resident: str, payload: dict[str, Any],
    album: str | None = None, position: int | None = None,
) -> bool:
    """Store a message durably (committed on return); False when it was stored or handled before.

    It is stored under the resident's arrival lock, so two of a resident's messages stored at once by two
    instances commit one after the other, in the order of their ids, and whoever waits for that lock
    finds every message that was being stored. Its stored time is the database's clock as the row is
    written (not when the request came in: a slow store does not make it look older than it is).
    """
    handled = sa.select(_PROCESSED.c.event_id).where(_PROCESSED.c.channel == channel,
                                                     _PROCESSED.c.event_id == event_id)
    postgres = engine.dialect.name == "postgresql"
    insert = pg_insert if postgres else sqlite_insert
    stored_at = sa.func.timezone("UTC", sa.func.clock_timestamp()) if postgres else utcnow()
    with engine.begin() as connection:
        if connection.execute(handled).first() is not None:
            return False
        lock_resident_arrival(connection, channel=channel, resident=resident)
        statement = insert(_INBOX).values(
            channel=channel, event_id=event_id, position=position, resident=resident, album=album,
            payload=payload, stored_at=stored_at, replies_sent=0).on_conflict_do_nothing()
        return connection.execute(statement).rowcount == 1


def queued_for(connection: Connection, *, channel: str, resident: str,
               complete: bool = False) -> list[QueuedEvent]:
    """The resident's stored messages, in the channel's order (else the order they were stored in).

    `complete`: first wait until no instance is storing one of the resident's messages (an album's
    part still on its way into the table), holding the arrival lock until the transaction ends.
    """
    if complete:
        lock_resident_arrival(connection, channel=channel, resident=resident)
    rows = connection.execute(sa.select(_INBOX)
                              .where(_INBOX.c.channel == channel, _INBOX.c.resident == resident)
                              .order_by(_INBOX.c.position, _INBOX.c.id))
    return [QueuedEvent(r.id, r.event_id, r.resident, r.album, dict(r.payload), r.stored_at, r.replies,
                        r.replies_sent) for r in rows]


def _events(channel: str, event_ids: list[str]) -> sa.ColumnElement[bool]:
    return sa.and_(_INBOX.c.channel == channel, _INBOX.c.event_id.in_(event_ids))


def keep_replies(connection: Connection, *, channel: str, event_ids: list[str],
                 replies: dict[str, Any]) -> None:
    """Store the replies a turn decided with the messages it handled (inside the turn's transaction)."""
    connection.execute(_INBOX.update().where(_events(channel, event_ids)).values(replies=replies))


def count_reply_sent(engine: Engine, *, channel: str, event_ids: list[str]) -> None:
    """One more of these messages' stored replies has been sent."""
    with engine.begin() as connection:
        connection.execute(_INBOX.update().where(_events(channel, event_ids))
                           .values(replies_sent=_INBOX.c.replies_sent + 1))


def forget_events(connection: Connection, *, ids: list[int]) -> None:
    """Drop handled messages from the inbox."""
    if ids:
        connection.execute(_INBOX.delete().where(_INBOX.c.id.in_(ids)))


def waiting_residents(connection: Connection, *, channel: str, older_than: timedelta,
                      limit: int = 100) -> list[str]:
    """Residents with messages stored longer ago than `older_than` and still not handled (after a crash)."""
    before = database_now(connection) - older_than
    rows = connection.execute(sa.select(_INBOX.c.resident)
                              .where(_INBOX.c.channel == channel, _INBOX.c.stored_at < before)
                              .group_by(_INBOX.c.resident).order_by(sa.func.min(_INBOX.c.id)).limit(limit))
    return [row.resident for row in rows]


def inbox_depths(connection: Connection) -> dict[str, int]:
    """How many stored messages wait to be handled, by channel."""
    rows = connection.execute(sa.select(_INBOX.c.channel, sa.func.count().label("n"))
                              .group_by(_INBOX.c.channel))
    return {row.channel: int(row.n) for row in rows}
