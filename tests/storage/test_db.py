"""The SQLite engine: SQLAlchemy's BEGIN counts (not Python's sqlite3 module), checkpoints run apart."""

from __future__ import annotations

import sqlite3
import time
from datetime import UTC, datetime
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from storage import checkpoints
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


def _in_database_file(path: Path) -> list[str]:
    """The events the database file itself holds, the write-ahead log ignored (what a checkpoint moved)."""
    connection = sqlite3.connect(f"file:{path}?immutable=1", uri=True)
    try:
        return sorted(row[0] for row in connection.execute("SELECT event_id FROM processedevent"))
    except sqlite3.OperationalError:  # not even the tables yet: the migrations are in the log too
        return []
    finally:
        connection.close()


def test_commits_leave_checkpoints_to_the_background_thread(engine: Engine) -> None:
    path = Path(str(engine.url.database))
    with engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA wal_autocheckpoint").scalar() == 0
        connection.execute(EVENTS.insert(), {"channel": "telegram", "event_id": "1", "created_at": NOW})
        connection.commit()
    deadline = time.monotonic() + 10
    while _in_database_file(path) != ["1"]:
        assert time.monotonic() < deadline, "the checkpoint thread did not copy the commit"
        checkpoints.checkpoint_now()
        time.sleep(0.05)


def test_a_database_that_is_gone_is_not_created_again(tmp_path: Path) -> None:
    missing = tmp_path / "gone" / "aduan.db"
    assert not checkpoints.checkpoint(missing)
    assert not missing.exists()
