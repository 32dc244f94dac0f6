"""What reporters and operators are sent, and when: status changes, updates, deadlines, closure."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from handlers.deadlines import refresh_deadlines
from handlers.notices import status_changed
from handlers.turn import FlowConfig
from scheduler.producers import close_unanswered, deadline_alerts, periodic_updates
from scheduler_helpers import file_report
from storage.complaints import history_of
from storage.models import Complaint, Outbox, Reporter, StatusChange

CONFIG = FlowConfig(operator_chat_id="-100999")
MONDAY_10_WIB = datetime(2026, 11, 23, 3, 0, tzinfo=UTC)


def wib(day: int, hour: int, minute: int = 0, month: int = 11) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=UTC) - timedelta(hours=7)


def outbox(engine: Engine) -> list[Outbox]:
    with Session(engine) as session:
        return list(session.exec(select(Outbox).order_by(col(Outbox.id))))


def move(engine: Engine, code: str, to: str, now: datetime, note: str | None = None,
         public: bool = True) -> None:
    """What the operators' commands do: record the change, then call status_changed."""
    with Session(engine) as session:
        complaint = session.exec(select(Complaint).where(Complaint.code == code)).one()
        assert complaint.id is not None
        change = StatusChange(complaint_id=complaint.id, from_status=complaint.status, to_status=to,
                              note=note, public=public, actor="operator:1", created_at=now)
        complaint.status, complaint.updated_at = to, now
        session.add(change)
        session.flush()
        status_changed(session, complaint=complaint, change=change, now=now, config=CONFIG)
        session.commit()


def filed(engine: Engine, *, locale: str = "id") -> Complaint:
    complaint = file_report(engine, now=MONDAY_10_WIB, locale=locale)
    with Session(engine, expire_on_commit=False) as session:
        row = session.get(Complaint, complaint.id)
        assert row is not None
        refresh_deadlines(session, row, MONDAY_10_WIB, config=CONFIG)
        session.commit()
        return row


@pytest.mark.parametrize(("locale", "expected"), [
    ("id", ["🔔 Kabar terbaru laporan Anda {code}", "Catatan dari petugas: Diteruskan ke DLH",
            "Instansi akan menindaklanjutinya paling lambat Rabu, 2 Desember 2026."]),
    ("en", ["🔔 Update on your report {code}", "Note from the officer: Diteruskan ke DLH",
            "The agency follows it up by Wednesday, 2 December 2026."]),
])
async def test_a_status_change_is_pushed_once_in_the_reporters_language(
        store: Engine, locale: str, expected: list[str]) -> None:
    complaint = filed(store, locale=locale)
    move(store, complaint.code, "verified", wib(25, 10), note="Diteruskan ke DLH")
    with Session(store, expire_on_commit=False) as session:
        change = history_of(session, complaint_id=complaint.id or 0)[-1]
        row = session.get(Complaint, complaint.id)
        assert row is not None
        status_changed(session, complaint=row, change=change, now=wib(25, 11), config=CONFIG)  # again
        session.commit()
    [message] = outbox(store)
    for line in expected:
        assert line.format(code=complaint.code) in message.text
    assert (message.dedupe_key, message.chat_id) == (f"status:{change.id}", "501")
    assert message.due_at == wib(25, 10)


async def test_a_private_note_is_not_shown_and_night_changes_wait_for_the_morning(store: Engine) -> None:
    complaint = filed(store)
    move(store, complaint.code, "in_progress", wib(25, 22, 30), note="internal: call the contractor",
         public=False)
    [message] = outbox(store)
    assert "contractor" not in message.text
    assert "Status baru: Sedang ditangani" in message.text
    assert message.due_at == wib(26, 6)


async def test_the_resolved_notice_asks_whether_it_is_really_fixed(store: Engine) -> None:
    complaint = filed(store)
    move(store, complaint.code, "resolved", wib(25, 10), note="Sampah sudah diangkut")
    [message] = outbox(store)
    assert [b["data"] for b in message.buttons[0]] == [f"fixed:{complaint.code}:yes",
                                                       f"fixed:{complaint.code}:no"]
    assert all(len(b["data"].encode()) <= 64 for b in message.buttons[0])


async def test_deadline_reminder_then_breach_each_fire_once(store: Engine) -> None:
    complaint = filed(store)  # Monday: verification due by the end of Thursday 26 November
    assert complaint.deadline_at == wib(27, 0)
    moments = [wib(25, 10), wib(26, 9, 30), wib(26, 15), wib(27, 0, 1), wib(27, 9), wib(30, 9)]
    for moment in moments:
        deadline_alerts(store, now=moment, config=CONFIG)
    alerts = outbox(store)
    assert [a.kind for a in alerts] == ["deadline_remind", "deadline_breach"]
    assert [a.chat_id for a in alerts] == ["-100999", "-100999"]
    assert "Kamis, 26 November 2026" in alerts[0].text and complaint.code in alerts[1].text
    assert alerts[1].urgent and not alerts[0].urgent


async def test_forwarding_starts_the_agencys_five_day_clock(store: Engine) -> None:
    complaint = filed(store)
    move(store, complaint.code, "verified", wib(25, 10))
    with Session(store) as session:
        row = session.get(Complaint, complaint.id)
        assert row is not None
        assert (row.deadline_kind, row.deadline_at) == ("followup", wib(3, 0, month=12))
    move(store, complaint.code, "in_progress", wib(26, 10))
    with Session(store) as session:
        row = session.get(Complaint, complaint.id)
        assert row is not None and row.deadline_at is None


async def test_open_complaints_get_a_periodic_update(store: Engine) -> None:
    complaint = filed(store)
    move(store, complaint.code, "in_progress", wib(23, 11))  # next update 3 working days on: Thu 26, 09:00
    assert periodic_updates(store, now=wib(26, 8), config=CONFIG) == 0
    assert periodic_updates(store, now=wib(26, 9), config=CONFIG) == 1
    assert periodic_updates(store, now=wib(26, 10), config=CONFIG) == 0
    _status, update = outbox(store)
    assert update.kind == "periodic" and complaint.code in update.text
    with Session(store) as session:
        row = session.get(Complaint, complaint.id)
        assert row is not None and row.next_update_at == wib(1, 9, month=12)


async def test_no_answer_within_ten_working_days_closes_the_complaint(store: Engine) -> None:
    complaint = filed(store)
    move(store, complaint.code, "resolved", wib(23, 15))
    assert close_unanswered(store, now=wib(7, 23, month=12), config=CONFIG) == 0
    assert close_unanswered(store, now=wib(8, 0, month=12), config=CONFIG) == 1
    with Session(store) as session:
        row = session.get(Complaint, complaint.id)
        assert row is not None
        assert (row.status, row.closed_at) == ("closed", wib(8, 0, month=12))
        assert [c.to_status for c in history_of(session, complaint_id=row.id or 0)][-2:] == ["resolved",
                                                                                              "closed"]
        assert session.get(Reporter, row.reporter_id) is not None
    closing = outbox(store)[-1]
    assert "Ditutup" in closing.text
