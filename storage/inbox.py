"""Data functions for Telegram updates a webhook accepted: stored first, handled in order, then forgotten."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Connection, Engine

from storage.models import ProcessedEvent
from storage.shared_models import TelegramInbox

_INBOX: sa.Table = TelegramInbox.__table__  # type: ignore[attr-defined]
_PROCESSED: sa.Table = ProcessedEvent.__table__  # type: ignore[attr-defined]


@dataclass(frozen=True, slots=True)
class QueuedUpdate:
    """One stored update, as the inbox hands it back."""

    update_id: int
    resident: str
    media_group_id: str | None
    payload: dict[str, Any]
    received_at: datetime
    replies: dict[str, Any] | None = None
    replies_sent: int = 0


def accept_update(
    engine: Engine, *, channel: str, update_id: int, resident: str, media_group_id: str | None,
    payload: dict[str, Any], now: datetime,
) -> bool:
    """Store an update durably (committed on return); False when it was stored or handled before."""
    insert = pg_insert if engine.dialect.name == "postgresql" else sqlite_insert
    statement = insert(_INBOX).values(
        update_id=update_id, resident=resident, media_group_id=media_group_id, payload=payload,
        received_at=now, replies_sent=0).on_conflict_do_nothing()
    handled = sa.select(_PROCESSED.c.event_id).where(_PROCESSED.c.channel == channel,
                                                     _PROCESSED.c.event_id == str(update_id))
    with engine.begin() as connection:
        if connection.execute(handled).first() is not None:
            return False
        return connection.execute(statement).rowcount == 1


def queued_for(connection: Connection, *, resident: str) -> list[QueuedUpdate]:
    """The resident's stored updates, oldest (lowest update_id) first."""
    rows = connection.execute(sa.select(_INBOX).where(_INBOX.c.resident == resident)
                              .order_by(_INBOX.c.update_id))
    return [QueuedUpdate(r.update_id, r.resident, r.media_group_id, dict(r.payload), r.received_at,
                         r.replies, r.replies_sent) for r in rows]


def keep_replies(connection: Connection, *, update_ids: list[int], replies: dict[str, Any]) -> None:
    """Store the replies a turn decided with the updates it handled (inside the turn's transaction)."""
    connection.execute(_INBOX.update().where(_INBOX.c.update_id.in_(update_ids)).values(replies=replies))


def count_reply_sent(engine: Engine, *, update_ids: list[int]) -> None:
    """One more of these updates' stored replies has been sent."""
    with engine.begin() as connection:
        connection.execute(_INBOX.update().where(_INBOX.c.update_id.in_(update_ids))
                           .values(replies_sent=_INBOX.c.replies_sent + 1))


def forget_updates(connection: Connection, *, update_ids: list[int]) -> None:
    """Drop handled updates from the inbox."""
    if update_ids:
        connection.execute(_INBOX.delete().where(_INBOX.c.update_id.in_(update_ids)))


def waiting_residents(connection: Connection, *, received_before: datetime, limit: int = 100) -> list[str]:
    """Residents with updates stored before `received_before` and still not handled (e.g. after a crash)."""
    rows = connection.execute(sa.select(_INBOX.c.resident).where(_INBOX.c.received_at < received_before)
                              .group_by(_INBOX.c.resident).order_by(sa.func.min(_INBOX.c.update_id))
                              .limit(limit))
    return [row.resident for row in rows]


def inbox_depth(connection: Connection) -> int:
    """How many stored updates wait to be handled."""
    return int(connection.execute(sa.select(sa.func.count()).select_from(_INBOX)).scalar_one())
