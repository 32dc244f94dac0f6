"""The SQLite engine's transactions: Python's sqlite3 module is left no say, SQLAlchemy's BEGIN counts."""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from storage.models import ProcessedEvent

EVENTS: sa.Table = ProcessedEvent.__table__  # type: ignore[attr-defined]
NOW = datetime(2026, 11, 23, 3, 0, tzinfo=UTC)


def _events(engine: Engine) -> list[str]:
    with engine.connect() as connection:
        return sorted(connection.execute(sa.select(EVENTS.c.event_id)).scalars())


def test_a_rolled_back_transaction_leaves_nothing(engine: Engine) -> None:
    with engine.connect() as connection:
        connection.execute(sa.select(EVENTS.c.event_id)).all()  # a read first, as every turn does
        connection.execute(EVENTS.insert(), {"channel": "telegram", "event_id": "1", "created_at": NOW})
        connection.rollback()
    assert _events(engine) == []


def test_a_savepoint_rolls_back_alone(engine: Engine) -> None:
    with engine.connect() as connection:
        connection.execute(EVENTS.insert(), {"channel": "telegram", "event_id": "kept", "created_at": NOW})
        nested = connection.begin_nested()
        connection.execute(EVENTS.insert(), {"channel": "telegram", "event_id": "undone", "created_at": NOW})
        nested.rollback()
        connection.commit()
    assert _events(engine) == ["kept"]
