"""The scheduler service's ticks, as `aduan run` and `aduan worker` wire them from the settings."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from bot.settings import Settings
from bot.worker import build_scheduler
from scheduler.sending import Outgoing
from scheduler_helpers import file_report
from storage.models import Complaint, Outbox, utcnow


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
