"""Queueing outbound messages: once per dedupe key."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from storage.models import Outbox
from storage.outbox import enqueue


def test_the_same_event_is_queued_once(engine: Engine) -> None:
    due = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)
    with Session(engine) as session:
        first = enqueue(session, channel="telegram", chat_id="42", text="Status berubah", kind="status",
                        dedupe_key="status:ADU-7K3M9Q:verified", due_at=due,
                        buttons=[[("Cek", "menu:status")]])
        again = enqueue(session, channel="telegram", chat_id="42", text="Status berubah", kind="status",
                        dedupe_key="status:ADU-7K3M9Q:verified", due_at=due)
        session.commit()
    assert first is not None and again is None
    with Session(engine) as session:
        [row] = session.exec(select(Outbox)).all()
    assert (row.status, row.due_at) == ("queued", due)
    assert row.buttons == [[{"label": "Cek", "data": "menu:status"}]]
