"""A turn's database work runs off the event loop: an operator's slow query holds up nobody else."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import Session

from handlers.engine import Conversations
from handlers.turn import FlowConfig
from helpers import Resident
from storage.media import MediaStore
from storage.models import OperatorRole
from storage.operators import add_operator

NOW = datetime(2026, 11, 20, 3, 0, tzinfo=UTC)
SLOW = 1.0


@contextmanager
def slow_statistics(engine: Engine) -> Iterator[list[float]]:
    """The database takes SLOW seconds to answer /statistik's counting query (the times it did so)."""
    answered: list[float] = []

    def delay(_conn: Any, _cursor: Any, statement: str, *_rest: Any) -> None:
        if "GROUP BY complaint.status" in statement:
            time.sleep(SLOW)  # in the thread that sent the query, as a busy database would keep it
            answered.append(time.perf_counter())

    sa.event.listen(engine, "before_cursor_execute", delay)
    try:
        yield answered
    finally:
        sa.event.remove(engine, "before_cursor_execute", delay)


async def test_an_operators_slow_query_does_not_delay_another_residents_reply(
        both_databases: Engine, tmp_path: Path) -> None:
    with Session(both_databases) as session:
        add_operator(session, external_id="900", name="Desk", role=OperatorRole.ADMIN, agency_id=None,
                     now=NOW)
        session.commit()
    conversations = Conversations(engine=both_databases, config=FlowConfig(), clock=lambda: NOW,
                                  media=MediaStore(tmp_path / "media"))
    desk = Resident(conversations, "900", profile_name="Desk", language_code="en", channel="telegram")
    resident = Resident(conversations, "100", channel="telegram")
    await desk.say("/antrian")
    await resident.say("/start")
    with slow_statistics(both_databases) as answered:
        started = time.perf_counter()
        statistics = asyncio.create_task(desk.say("/statistik semua"))
        await asyncio.sleep(0.2)  # the desk's query is under way
        sent = time.perf_counter()
        replies = await resident.say("/bantuan")
        replied = time.perf_counter()
        assert not statistics.done()
        await statistics
    assert replies and "/lapor" in replies[0].text
    assert replied - sent < 0.1
    assert answered and answered[0] - started >= SLOW
    assert "No complaints received" in desk.last[0].text
