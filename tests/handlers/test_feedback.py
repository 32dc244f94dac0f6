"""“Is the problem really fixed?”: confirm and rate, or reopen and alert the operators."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from handlers.deadlines import refresh_deadlines
from handlers.engine import Conversations
from handlers.turn import FlowConfig
from helpers import Resident, jpeg
from scheduler_helpers import file_report
from storage.complaints import history_of
from storage.media import MediaStore
from storage.models import Complaint, Outbox

CONFIG = FlowConfig(operator_chat_id="-100999")


@pytest.fixture
def budi(engine: Engine, tmp_path: Path) -> Resident:
    return Resident(Conversations(engine=engine, config=CONFIG, media=MediaStore(tmp_path / "media")))


def resolved(engine: Engine) -> Complaint:
    now = datetime.now(UTC)
    complaint = file_report(engine, now=now, user="1001", channel="test")
    with Session(engine, expire_on_commit=False) as session:
        row = session.get(Complaint, complaint.id)
        assert row is not None
        row.status = "resolved"
        refresh_deadlines(session, row, now, config=CONFIG)
        session.commit()
        return row


def stored(engine: Engine, complaint: Complaint) -> Complaint:
    with Session(engine) as session:
        row = session.get(Complaint, complaint.id)
        assert row is not None
        return row


async def test_fixed_closes_and_the_rating_is_kept(engine: Engine, budi: Resident) -> None:
    complaint = resolved(engine)
    [reply] = await budi.send(budi.message(choice=f"fixed:{complaint.code}:yes"))
    assert "sekarang ditutup" in reply.text
    assert [b.data for b in reply.buttons[0]] == [f"rate:{complaint.code}:{n}" for n in range(1, 6)]
    [thanks] = await budi.press(f"rate:{complaint.code}:4")
    assert "4 dari 5" in thanks.text
    row = stored(engine, complaint)
    assert (row.status, row.fixed_confirmed, row.rating) == ("closed", True, 4)
    assert row.closed_at is not None and row.feedback_due_at is None


async def test_a_typed_number_picks_the_rating(engine: Engine, budi: Resident) -> None:
    complaint = resolved(engine)
    await budi.send(budi.message(choice=f"fixed:{complaint.code}:yes"))
    await budi.say("5")
    assert stored(engine, complaint).rating == 5


async def test_not_fixed_reopens_and_alerts_the_operators(engine: Engine, budi: Resident) -> None:
    complaint = resolved(engine)
    [reply] = await budi.send(budi.message(choice=f"fixed:{complaint.code}:no"))
    assert "dibuka kembali" in reply.text
    row = stored(engine, complaint)
    assert (row.status, row.fixed_confirmed, row.deadline_kind) == ("reopened", False, "verify")
    with Session(engine) as session:
        [alert] = session.exec(select(Outbox)).all()
        assert [c.to_status for c in history_of(session, complaint_id=row.id or 0)][-1] == "reopened"
    assert (alert.chat_id, alert.urgent, alert.kind) == ("-100999", True, "reopened")
    assert complaint.code in alert.text


async def test_a_second_answer_changes_nothing(engine: Engine, budi: Resident) -> None:
    complaint = resolved(engine)
    await budi.send(budi.message(choice=f"fixed:{complaint.code}:no"))
    [again] = await budi.send(budi.message(choice=f"fixed:{complaint.code}:yes"))
    assert "sudah tercatat" in again.text
    assert stored(engine, complaint).status == "reopened"


@pytest.mark.parametrize("choice", ["fixed:ADU-ZZZZZZ:yes", "rate:ADU-ZZZZZZ:5", "fixed:nonsense:no"])
async def test_someone_elses_or_unknown_code_is_refused_kindly(engine: Engine, budi: Resident,
                                                               choice: str) -> None:
    resolved(engine)
    [reply] = await budi.send(budi.message(choice=choice))
    assert "tidak ditemukan" in reply.text


async def test_a_rating_out_of_range_asks_again(engine: Engine, budi: Resident) -> None:
    complaint = resolved(engine)
    await budi.send(budi.message(choice=f"fixed:{complaint.code}:yes"))
    [reply] = await budi.send(budi.message(choice=f"rate:{complaint.code}:9"))
    assert "1 sampai 5" in reply.text and reply.buttons
    assert stored(engine, complaint).rating is None


async def test_a_filed_report_starts_its_verification_clock(engine: Engine, budi: Resident) -> None:
    await budi.say("/lapor")
    await budi.press("consent:yes")
    await budi.photo(jpeg(), caption="Lampu jalan mati sejak tiga hari di depan rumah")
    await budi.pin()
    await budi.press("name:profile")
    await budi.press("submit")
    with Session(engine) as session:
        [complaint] = session.exec(select(Complaint)).all()
    assert complaint.deadline_kind == "verify"
    assert complaint.deadline_at is not None and complaint.deadline_at > complaint.created_at
    assert complaint.next_update_at is not None
