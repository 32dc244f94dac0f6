"""A channel's send budget shared by every instance on one PostgreSQL database (the send_slot table).

Takers of one channel queue on a transaction-level advisory lock, count the sends in each window by the
database's clock, and insert their own slot when it fits. A slot counts from the moment it is taken until
its answer is back (then its time moves to the answer), like scheduler/pacing.py's windows.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from storage.locks import BUDGET_SPACE
from storage.shared_models import SendSlot

# An unanswered slot older than this belonged to a process that died (a send's request is answered or
# timed out well within it); until then it blocks its chat, so a crash holds a chat back at most this long.
STALE = timedelta(seconds=5)
_SLOT: sa.Table = SendSlot.__table__  # type: ignore[attr-defined]
_NOW = sa.text("SELECT clock_timestamp()")
_LOCK = sa.text("SELECT pg_advisory_xact_lock(:space, :key)")


@dataclass(frozen=True, slots=True)
class Window:
    """At most `limit` sends in any `span`."""

    limit: int
    span: timedelta


def _key(channel: str) -> int:
    value = zlib.crc32(channel.encode())
    return value - (1 << 32) if value >= 1 << 31 else value


def _wait(connection: Connection, window: Window, now: datetime, where: sa.ColumnElement[bool]) -> float:
    """Seconds until one more send fits `window` (0 when it fits now)."""
    rows = connection.execute(sa.select(_SLOT.c.at, _SLOT.c.answered).where(
        where, sa.or_(_SLOT.c.at > now - window.span,
                      sa.and_(_SLOT.c.answered.is_(False), _SLOT.c.at > now - STALE)))).all()
    if len(rows) < window.limit:
        return 0.0
    times = sorted(now if not row.answered else row.at for row in rows)
    deciding = times[-window.limit]
    return max((deciding + window.span - now).total_seconds(), 0.005)


def take_slot(engine: Engine, *, channel: str, chat_id: str, overall: Window | None,
              chat: Window | None) -> tuple[int | None, float]:
    """Take a send slot: (its id, 0) when the send fits every window now, else (None, seconds to wait)."""
    with engine.begin() as connection:
        connection.execute(_LOCK, {"space": BUDGET_SPACE, "key": _key(channel)})
        now: datetime = connection.execute(_NOW).scalar_one()
        waits = [0.0]
        if overall is not None:
            waits.append(_wait(connection, overall, now, _SLOT.c.channel == channel))
        if chat is not None:
            waits.append(_wait(connection, chat, now, sa.and_(_SLOT.c.channel == channel,
                                                              _SLOT.c.chat_id == chat_id)))
        if max(waits) > 0:
            return None, max(waits)
        result = connection.execute(_SLOT.insert().values(channel=channel, chat_id=chat_id, at=now,
                                                          answered=False))
        key = result.inserted_primary_key
        assert key is not None
        return int(key[0]), 0.0


def answer_slot(engine: Engine, *, slot_id: int) -> None:
    """The send of this slot is answered: its time moves to now."""
    with engine.begin() as connection:
        now = connection.execute(_NOW).scalar_one()
        connection.execute(_SLOT.update().where(_SLOT.c.id == slot_id).values(at=now, answered=True))


def prune_slots(engine: Engine, *, older_than: timedelta) -> None:
    """Forget slots too old to count in any window."""
    with engine.begin() as connection:
        now = connection.execute(_NOW).scalar_one()
        connection.execute(_SLOT.delete().where(_SLOT.c.at < now - older_than))
