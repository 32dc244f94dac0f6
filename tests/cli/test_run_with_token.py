"""`aduan run` with a token: the real service wiring against the Bot API root it is given."""

from __future__ import annotations

import asyncio
import gc
from pathlib import Path

from sqlmodel import Session, select

from bot.heap import YOUNG_COLLECTION_EVERY
from bot.runner import serve
from bot.settings import Settings
from bot.simulator import BotApiSimulator
from helpers import jpeg
from storage.db import make_engine
from storage.models import Complaint

TOKEN = "555000111:AAE-run-test-token-abcdefghijklmno"


async def test_the_service_files_a_report_through_the_configured_api_root(tmp_path: Path) -> None:
    async with BotApiSimulator(TOKEN) as sim:
        settings = Settings(_env_file=None, telegram_bot_token=TOKEN, telegram_api_url=sim.url + "/",
                            database_url=f"sqlite:///{tmp_path / 'aduan.db'}", media_dir=tmp_path / "media",
                            album_wait_seconds=0.2, http_port=0)
        service = asyncio.create_task(serve(settings))
        try:
            user = sim.user(42, first_name="Rina", language_code="id")
            await user.send_text("/lapor")
            await user.replies()
            await user.press("consent:yes")
            await user.replies()
            await user.send_photo(jpeg(), caption="Sampah menumpuk di pinggir jalan, seminggu belum diangkut")
            await user.replies()
            await user.send_location(-2.2096, 113.9108)
            await user.replies()
            await user.press("name:profile")
            await user.replies()
            await user.press("submit")
            [done] = await user.replies()
            # Once started, what startup loaded is left out of garbage collections.
            assert gc.get_freeze_count() > 0 and gc.get_threshold()[0] == YOUNG_COLLECTION_EVERY
        finally:
            service.cancel()
            await asyncio.gather(service, return_exceptions=True)
    with Session(make_engine(settings.database_url)) as session:
        [complaint] = session.exec(select(Complaint)).all()
    assert complaint.code in (done.text or "")
    assert (complaint.name, complaint.category, complaint.latitude) == ("Rina", "waste", -2.2096)
    assert list((tmp_path / "media").rglob("*.jpg"))
