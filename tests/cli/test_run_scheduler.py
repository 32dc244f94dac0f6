"""`aduan run` also runs the scheduler: an operator's status change reaches the resident by itself."""

from __future__ import annotations

import asyncio
from datetime import time
from pathlib import Path

from sqlmodel import Session, select

from bot.runner import serve
from bot.settings import Settings
from bot.simulator import BotApiSimulator
from bot.wiring import flow_config
from handlers.notices import status_changed
from scheduler_helpers import file_report
from storage.db import make_engine, upgrade
from storage.models import Complaint, StatusChange, utcnow

TOKEN = "555000111:AAE-run-test-token-abcdefghijklmno"


async def test_a_resolved_report_is_pushed_and_answered(tmp_path: Path) -> None:
    async with BotApiSimulator(TOKEN) as sim:
        settings = Settings(_env_file=None, http_port=0, telegram_bot_token=TOKEN, telegram_api_url=sim.url,
                            database_url=f"sqlite:///{tmp_path / 'aduan.db'}", media_dir=tmp_path / "media",
                            quiet_hours_start=time(0, 0), quiet_hours_end=time(0, 0))
        engine = make_engine(settings.database_url)
        upgrade(engine)
        user = sim.user(42, first_name="Rina", language_code="id")
        complaint = file_report(engine, now=utcnow(), user="42")
        service = asyncio.create_task(serve(settings))
        try:
            with Session(engine) as session:  # what an operator's /selesai command does
                row = session.get(Complaint, complaint.id)
                assert row is not None and row.id is not None
                change = StatusChange(complaint_id=row.id, from_status=row.status, to_status="resolved",
                                      note="Sampah sudah diangkut", actor="operator:1", created_at=utcnow())
                row.status = "resolved"
                session.add(change)
                session.flush()
                status_changed(session, complaint=row, change=change, now=utcnow(),
                               config=flow_config(settings))
                session.commit()
            [pushed] = await user.replies(timeout=10)
            assert complaint.code in (pushed.text or "") and "Sampah sudah diangkut" in (pushed.text or "")
            await user.press(f"fixed:{complaint.code}:yes")
            [ask] = await user.replies()
            assert [data for _label, data in ask.buttons[0]][-1] == f"rate:{complaint.code}:5"
        finally:
            service.cancel()
            await asyncio.gather(service, return_exceptions=True)
    with Session(engine) as session:
        [stored] = session.exec(select(Complaint)).all()
    assert (stored.status, stored.fixed_confirmed) == ("closed", True)
