"""The scheduler service's ticks, as `aduan run` and `aduan worker` wire them from the settings."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from bot.settings import Settings
from bot.worker import build_scheduler
from scheduler.sending import Outgoing
from scheduler_helpers import file_report
from storage.lifecycle import change_status
from storage.models import Complaint, ComplaintStatus, Outbox, utcnow


class Recorder:
    channel = "telegram"

    def __init__(self) -> None:
        self.texts: list[str] = []

    async def deliver(self, message: Outgoing) -> str | None:
        self.texts.append(message.text)
        return "1"


async def test_a_tick_produces_due_work_and_the_next_sends_it(store: Engine, tmp_path: Path) -> None:
    settings = Settings(_env_file=None, media_dir=tmp_path / "media", operator_chat_id="-100777")  # type: ignore[call-arg]
    complaint = file_report(store, now=utcnow() - timedelta(days=30))
    with Session(store) as session:  # a forgotten report: its verification deadline is long past
        row = session.get(Complaint, complaint.id)
        assert row is not None
        row.deadline_kind, row.deadline_at = "verify", utcnow() - timedelta(days=20)
        row.deadline_remind_at = row.deadline_at
        session.add(row)
        session.commit()
    platform = Recorder()
    service = build_scheduler(settings, store, {"telegram": platform})
    counts = await service.produce()
    assert counts["deadlines"] == 1
    assert await service.dispatch() == 1
    assert len(platform.texts) == 1 and complaint.code in platform.texts[0]
    with Session(store) as session:
        [alert] = session.exec(select(Outbox)).all()
    assert (alert.chat_id, alert.kind, alert.status) == ("-100777", "deadline_breach", "sent")
    await service.stop()


async def test_the_producers_tick_runs_the_retention_purge_hourly(store: Engine, tmp_path: Path) -> None:
    settings = Settings(_env_file=None, media_dir=tmp_path / "media", privacy_retention_years=1)  # type: ignore[call-arg]
    complaint = file_report(store, now=utcnow() - timedelta(days=800))
    with Session(store) as session:
        row = session.get(Complaint, complaint.id)
        assert row is not None
        change_status(session, complaint=row, to_status=ComplaintStatus.CLOSED, actor="system", note=None,
                      public=True, now=utcnow() - timedelta(days=700))
        session.commit()
    later = file_report(store, now=utcnow() - timedelta(days=800), user="502")
    service = build_scheduler(settings, store, {"telegram": Recorder()})
    assert (await service.produce())["retention"] == 1
    with Session(store) as session:
        row = session.get(Complaint, later.id)
        assert row is not None
        change_status(session, complaint=row, to_status=ComplaintStatus.CLOSED, actor="system", note=None,
                      public=True, now=utcnow() - timedelta(days=700))
        session.commit()
    assert "retention" not in await service.produce()  # within the hour: not again
    with Session(store) as session:
        erased = [c.code for c in session.exec(select(Complaint)
                                               .where(col(Complaint.erased_at).is_not(None)))]
    assert erased == [complaint.code]
    await service.stop()
