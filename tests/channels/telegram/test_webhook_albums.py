"""Albums in webhook mode: the parts wait in the inbox until none has been stored for ALBUM_WAIT_SECONDS.

Telegram delivers an album's next part only after the webhook answered the last one, and the webhook
answers once the part is stored; so when storing is slow (a loaded machine, a busy database), the parts
reach the table further apart than they left the resident's phone. The wait is measured from the last
part in the table, so a slow store does not split the album.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

import sqlalchemy as sa
from live_webhook import TOKEN, running, webhook_settings
from sqlmodel import Session, select

from bot.simulator import BotApiSimulator
from helpers import jpeg
from storage.db import make_engine
from storage.models import Conversation

ALBUM_WAIT = 1.0
SLOW_STORE = 3.0  # how long the database keeps the album's first part from being stored: 3 waits


async def test_an_album_whose_first_part_is_slow_to_store_stays_one_album(postgres: str,
                                                                          tmp_path: Path) -> None:
    engine = make_engine(postgres)
    async with BotApiSimulator(TOKEN) as sim:
        settings = webhook_settings(sim, postgres, tmp_path / "media", "ptb", album_wait_seconds=ALBUM_WAIT)
        async with running(settings):
            user = sim.user(4242, first_name="Rina")
            for text in ("/start", "ya", "Rina Wati"):
                await user.send_text(text)
                await user.replies(timeout=15)
            await sim.webhook_idle()
            with engine.connect() as database:
                # A busy database: no row can be written into the inbox until this transaction ends.
                database.execute(sa.text("LOCK TABLE webhook_inbox IN SHARE MODE"))
                await user.send_album([jpeg(), jpeg(color=(10, 200, 10))],
                                      caption="Lampu jalan mati sejak seminggu di depan masjid")
                await asyncio.sleep(SLOW_STORE)
                assert sim.pending_updates == 2  # the first part's 200 has not come; the second waits
                database.rollback()
            [reply] = await user.replies(timeout=15)
            await user.no_more_replies(ALBUM_WAIT + 1.0)
    with Session(engine) as session:
        [conversation] = session.exec(select(Conversation)).all()
    engine.dispose()
    assert (reply.text or "").startswith("📷 2 foto diterima")
    assert len(conversation.data["draft"]["photos"]) == 2
