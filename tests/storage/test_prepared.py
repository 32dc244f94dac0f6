"""Prepared statements write and read what Connection.execute writes and reads, on either path."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from storage.models import Conversation, ProcessedEvent
from storage.prepared import Prepared
from storage.turns import create_reporter

NOW = datetime(2026, 11, 23, 3, 0, 0, 123456, tzinfo=UTC)
_CONVERSATION: sa.Table = Conversation.__table__  # type: ignore[attr-defined]
_PROCESSED: sa.Table = ProcessedEvent.__table__  # type: ignore[attr-defined]
INSERT = Prepared(_CONVERSATION.insert().values(
    reporter_id=sa.bindparam("reporter_id"), step=sa.bindparam("step"), data=sa.bindparam("data"),
    updated_at=sa.bindparam("updated_at")))
READ = Prepared(sa.select(_CONVERSATION.c.step, _CONVERSATION.c.data, _CONVERSATION.c.updated_at)
                .where(_CONVERSATION.c.reporter_id == sa.bindparam("reporter_id")))
CLAIM = Prepared(_PROCESSED.insert().values(
    channel=sa.bindparam("channel"), event_id=sa.bindparam("event_id"),
    created_at=sa.bindparam("created_at")))
DATA = {"draft": {"name": "Rina", "photos": [{"path": "2026/11/a.jpg"}]}, "choices": [["submit", "✅ Kirim"]]}


@contextmanager
def watched(engine: Engine, watch: bool) -> Iterator[list[str]]:
    """With `watch`, a statement listener on the engine: prepared statements then take SQLAlchemy's path."""
    seen: list[str] = []

    def record(_conn: Any, _cursor: Any, statement: str, *_rest: Any) -> None:
        seen.append(statement)

    if watch:
        sa.event.listen(engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        if watch:
            sa.event.remove(engine, "before_cursor_execute", record)


@pytest.mark.parametrize("watch", [False, True], ids=["direct", "watched"])
def test_values_round_trip_as_sqlalchemys_own_and_join_the_transaction(both_databases: Engine,
                                                                        watch: bool) -> None:
    with both_databases.connect() as connection:
        state = create_reporter(connection, channel="telegram", external_id="7", chat_id="7",
                                profile_name=None, locale="id", now=NOW)
        connection.commit()
        with watched(both_databases, watch) as seen:
            INSERT.run(connection, {"reporter_id": state.reporter.id, "step": "intake", "data": DATA,
                                    "updated_at": NOW})
            read = READ.first(connection, {"reporter_id": state.reporter.id})
        assert read == ("intake", DATA, NOW)
        assert READ.keys == ("step", "data", "updated_at")
        if watch:  # the tests that watch statements (query plans, a slow database) still see these
            assert len(seen) == 2
        # SQLAlchemy's own read of the same row agrees, and sees the write in the same transaction.
        assert tuple(connection.execute(READ.statement, {"reporter_id": state.reporter.id}).one()) == read
        connection.rollback()
        assert READ.first(connection, {"reporter_id": state.reporter.id}) is None
        assert READ.first(connection, {"reporter_id": -1}) is None


def test_a_broken_constraint_is_sqlalchemys_integrity_error(both_databases: Engine) -> None:
    with both_databases.connect() as connection:
        CLAIM.run(connection, {"channel": "telegram", "event_id": "1", "created_at": NOW})
        with pytest.raises(sa.exc.IntegrityError):
            CLAIM.run(connection, {"channel": "telegram", "event_id": "1", "created_at": NOW})


def test_values_the_statement_holds_are_its_own(engine: Engine) -> None:
    newest = Prepared(sa.select(_PROCESSED.c.event_id).where(_PROCESSED.c.channel == "telegram")
                      .order_by(_PROCESSED.c.event_id.desc()).limit(sa.bindparam("limit")))
    with engine.connect() as connection:
        for channel, event in (("telegram", "1"), ("telegram", "2"), ("whatsapp", "3")):
            CLAIM.run(connection, {"channel": channel, "event_id": event, "created_at": NOW})
        assert newest.first(connection, {"limit": 1}) == ("2",)  # SQLite adds OFFSET 0 to the LIMIT


def test_a_value_computed_at_each_call_is_refused(engine: Engine) -> None:
    computed = Prepared(sa.select(_PROCESSED.c.event_id).where(
        _PROCESSED.c.created_at < sa.bindparam("now", callable_=lambda: NOW)))
    with engine.connect() as connection, pytest.raises(ValueError, match="computed at each call"):
        computed.first(connection, {})
