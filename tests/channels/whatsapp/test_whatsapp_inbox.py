"""Twilio's webhook is answered once the message is stored: a crash after that answer loses nothing."""

from __future__ import annotations

import asyncio
from pathlib import Path

import sqlalchemy as sa
from fake_twilio import FakeTwilio
from live_whatsapp import RESIDENT, LiveWhatsApp, fixture_form, live_whatsapp
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from bot.common.reply_journal import reply_to_json
from handlers.messages import Button, Reply
from helpers import jpeg
from storage.inbox import accept_event, count_reply_sent, keep_replies
from storage.models import Outbox, ProcessedEvent, utcnow
from storage.shared_models import WebhookInbox

NUMBER = RESIDENT.removeprefix("whatsapp:")


async def _posts(fake: FakeTwilio, count: int, timeout: float = 15.0) -> list[str]:  # noqa: ASYNC109
    """The bodies of the first `count` messages the fake Twilio was asked to send (waited for)."""
    async with asyncio.timeout(timeout):
        while len(fake.posts) < count:  # noqa: ASYNC110  (the fake has no event to wait on)
            await asyncio.sleep(0.05)
    return fake.bodies()


def _inbox(engine: Engine) -> list[WebhookInbox]:
    with Session(engine) as session:
        return list(session.exec(select(WebhookInbox)).all())


async def test_a_message_stored_before_a_crash_is_answered_after_the_restart(
        engine: Engine, db_url: str, tmp_path: Path) -> None:
    form = fixture_form("text")
    sid = form["MessageSid"]
    # What the 200 promised: the message is in the inbox, and the process died before handling it.
    assert accept_event(engine, channel="whatsapp", event_id=sid, resident=NUMBER, payload=form)
    # Twilio's redelivery finds it stored.
    assert not accept_event(engine, channel="whatsapp", event_id=sid, resident=NUMBER, payload=form)
    async with live_whatsapp(engine, db_url, tmp_path / "media") as whatsapp:
        [notice] = await _posts(whatsapp.fake, 1)
        await asyncio.sleep(0.5)
        assert len(whatsapp.fake.posts) == 1
    assert "UU PDP" in notice
    assert _inbox(engine) == []
    with Session(engine) as session:
        [event] = session.exec(select(ProcessedEvent)).all()
    assert event.event_id == sid


async def test_replies_a_crash_left_unsent_go_after_the_restart_and_only_those(
        engine: Engine, db_url: str, tmp_path: Path) -> None:
    form = fixture_form("text")
    sid = form["MessageSid"]
    # The dead instance had run the turn (its key is claimed, its replies kept) and sent the first reply.
    accept_event(engine, channel="whatsapp", event_id=sid, resident=NUMBER, payload=form)
    replies = [Reply("first, already sent"),
               Reply("second, still owed", buttons=((Button("Lapor", "menu:report"),),))]
    with engine.begin() as connection:
        connection.execute(sa.insert(ProcessedEvent.__table__).values(  # type: ignore[attr-defined]
            channel="whatsapp", event_id=sid, created_at=utcnow()))
        keep_replies(connection, channel="whatsapp", event_ids=[sid],
                     replies={"chat_id": RESIDENT, "replies": [reply_to_json(r) for r in replies]})
    count_reply_sent(engine, channel="whatsapp", event_ids=[sid])
    async with live_whatsapp(engine, db_url, tmp_path / "media") as whatsapp:
        [owed] = await _posts(whatsapp.fake, 1)
        await asyncio.sleep(0.5)
        assert len(whatsapp.fake.posts) == 1
        assert whatsapp.fake.posts[0]["To"] == RESIDENT
    assert owed == "second, still owed\n\n*1.* Lapor"
    assert _inbox(engine) == []


async def test_replies_after_one_twilio_could_not_take_wait_behind_it_in_order(
        whatsapp: LiveWhatsApp) -> None:
    await whatsapp.say("LAPOR")
    await whatsapp.say("ya")
    await whatsapp.say("Budi Santoso")
    await whatsapp.photo(jpeg(), "Sampah menumpuk di pinggir jalan, seminggu belum diangkut")
    before = len(whatsapp.fake.posts)
    whatsapp.fake.fail_next(1, status=503, code=20500)
    assert await whatsapp.pin(-6.2, 106.6) == ""  # two replies; Twilio refused the first
    assert len(whatsapp.fake.posts) == before
    with Session(whatsapp.service.channel.conversations.engine) as session:
        queued = session.exec(select(Outbox).order_by(col(Outbox.id))).all()
    assert [q.text.split("\n")[0] for q in queued] == ["Baik, terima kasih.", "📍 Lokasi diterima."]
    assert all(q.status == "queued" and q.chat_id == RESIDENT for q in queued)
