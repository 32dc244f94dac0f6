"""Telegram webhook mode: the simulator POSTs updates to `aduan run`, which stores them before its 200."""

from __future__ import annotations

import logging
from pathlib import Path

import aiohttp
import pytest
import sqlalchemy as sa
from live_telegram import file_report
from live_webhook import TOKEN, running, webhook_settings
from pydantic import ValidationError
from sqlmodel import Session, select

from bot.common.reply_journal import reply_to_json
from bot.settings import Settings
from bot.simulator import BotApiSimulator
from bot.telegram.driver import DRIVERS, DriverName
from handlers.messages import Button, Reply
from helpers import jpeg
from storage.db import make_engine, upgrade
from storage.inbox import accept_event, count_reply_sent, keep_replies
from storage.models import Complaint, ProcessedEvent, utcnow
from storage.shared_models import SharedSecret, WebhookInbox

SECRET = "s3cret-token_for-the-webhook"
UPDATE = {"update_id": 777, "message": {
    "message_id": 5, "date": 1764633600, "chat": {"id": 4711, "type": "private", "first_name": "Dewi"},
    "from": {"id": 4711, "is_bot": False, "first_name": "Dewi", "language_code": "id"}, "text": "/bantuan",
    "entities": [{"type": "bot_command", "offset": 0, "length": 8}]}}


@pytest.fixture(params=DRIVERS)
def driver(request: pytest.FixtureRequest) -> DriverName:
    """Each test once with python-telegram-bot and once with aiogram."""
    name: DriverName = request.param
    return name


async def test_a_whole_report_arrives_by_webhook(driver: DriverName, db_url: str, tmp_path: Path) -> None:
    async with BotApiSimulator(TOKEN) as sim:
        settings = webhook_settings(sim, db_url, tmp_path / "media", driver)
        async with running(settings):
            [call] = sim.calls_to("setWebhook")
            assert call.params["url"] == f"{settings.public_base_url}/webhook/telegram"
            assert call.params["allowed_updates"] == ["message", "callback_query"]
            assert int(str(call.params["max_connections"])) == 40
            user = sim.user(42, first_name="Rina")
            code = await file_report(user, "Lampu jalan mati sejak seminggu di depan masjid", jpeg())
            assert not sim.calls_to("getUpdates")
    engine = make_engine(db_url)
    with Session(engine) as session:
        [complaint] = session.exec(select(Complaint)).all()
        [stored] = session.exec(select(SharedSecret)).all()  # generated, so every instance uses one
        assert not session.exec(select(WebhookInbox)).all()  # every update handled and forgotten
    assert complaint.code == code and complaint.name == "Rina"
    assert call.params["secret_token"] == stored.value and len(stored.value) >= 32


@pytest.mark.parametrize("headers", [{}, {"X-Telegram-Bot-Api-Secret-Token": "wrong"},
                                     {"X-Telegram-Bot-Api-Secret-Token": SECRET[:-1] + "X"},
                                     {"X-Telegram-Bot-Api-Secret-Token": ""}],
                         ids=["missing", "wrong", "one-char-off", "empty"])
async def test_a_call_without_the_secret_gets_403_and_touches_nothing(
        headers: dict[str, str], db_url: str, tmp_path: Path) -> None:
    async with BotApiSimulator(TOKEN) as sim:
        settings = webhook_settings(sim, db_url, tmp_path / "media", "ptb", telegram_webhook_secret=SECRET)
        async with running(settings) as url, aiohttp.ClientSession() as http, \
                http.post(url + "/webhook/telegram", json=UPDATE, headers=headers) as response:
            assert response.status == 403
    with Session(make_engine(db_url)) as session:
        assert not session.exec(select(WebhookInbox)).all()
        assert not session.exec(select(ProcessedEvent)).all()
    assert not sim.calls_to("sendMessage")


@pytest.mark.parametrize("body", [b"not json", b"[1, 2]", b'{"message": {}}', b'{"update_id": "7"}',
                                  b'{"update_id": 8, "message": "Jl. Melati 12, HP 081234567890"}'],
                         ids=["not-json", "a-list", "no-update-id", "update-id-text", "message-not-object"])
async def test_a_body_that_is_not_an_update_gets_400_and_is_not_logged(
        body: bytes, driver: DriverName, db_url: str, tmp_path: Path,
        caplog: pytest.LogCaptureFixture) -> None:
    async with BotApiSimulator(TOKEN) as sim:
        settings = webhook_settings(sim, db_url, tmp_path / "media", driver, telegram_webhook_secret=SECRET)
        async with running(settings) as url, aiohttp.ClientSession() as http:
            with caplog.at_level(logging.DEBUG):
                async with http.post(url + "/webhook/telegram", data=body,
                                     headers={"X-Telegram-Bot-Api-Secret-Token": SECRET,
                                              "Content-Type": "application/json"}) as response:
                    assert response.status == 400
    assert "not an update" in caplog.text
    assert "081234567890" not in caplog.text and "Melati" not in caplog.text
    with Session(make_engine(db_url)) as session:
        assert not session.exec(select(WebhookInbox)).all()


async def test_a_redelivered_update_is_handled_once(driver: DriverName, db_url: str, tmp_path: Path) -> None:
    async with BotApiSimulator(TOKEN) as sim:
        settings = webhook_settings(sim, db_url, tmp_path / "media", driver, telegram_webhook_secret=SECRET)
        async with running(settings) as url, aiohttp.ClientSession() as http:
            user = sim.user(4711, first_name="Dewi")
            headers = {"X-Telegram-Bot-Api-Secret-Token": SECRET}
            for _twice in range(2):
                async with http.post(url + "/webhook/telegram", json=UPDATE, headers=headers) as response:
                    assert response.status == 200
            [help_text] = await user.replies()
            await user.no_more_replies(1.0)
    assert "/lapor" in (help_text.text or "")


async def test_an_update_stored_before_a_crash_is_handled_after_the_restart(
        driver: DriverName, db_url: str, tmp_path: Path) -> None:
    engine = make_engine(db_url)
    upgrade(engine)
    # What the 200 promised: the update is in the inbox, and the process died before handling it.
    assert accept_event(engine, channel="telegram", event_id="777", position=777, resident="4711",
                        payload=UPDATE)
    async with BotApiSimulator(TOKEN) as sim:
        settings = webhook_settings(sim, db_url, tmp_path / "media", driver, telegram_webhook_secret=SECRET)
        async with running(settings):
            [help_text] = await sim.messages_in(4711, timeout=15)
    assert "/lapor" in (help_text.text or "")
    with Session(engine) as session:
        assert not session.exec(select(WebhookInbox)).all()


@pytest.mark.parametrize("secret", ["with space", "ümlaut", "x" * 257, "semi;colon"])
def test_a_secret_telegram_would_refuse_is_refused_at_start(secret: str) -> None:
    with pytest.raises(ValidationError, match="TELEGRAM_WEBHOOK_SECRET"):
        Settings(_env_file=None, telegram_webhook_secret=secret)


async def test_replies_a_crash_left_unsent_go_after_the_restart_and_only_those(
        driver: DriverName, db_url: str, tmp_path: Path) -> None:
    engine = make_engine(db_url)
    upgrade(engine)
    # The dead instance had run the turn (its key is claimed, its replies kept) and sent the first reply.
    accept_event(engine, channel="telegram", event_id="777", position=777, resident="4711", payload=UPDATE)
    replies = [Reply("first, already sent"),
               Reply("second, still owed", buttons=((Button("Lapor", "menu:report"),),))]
    with engine.begin() as connection:
        connection.execute(sa.insert(ProcessedEvent.__table__).values(  # type: ignore[attr-defined]
            channel="telegram", event_id="777", created_at=utcnow()))
        keep_replies(connection, channel="telegram", event_ids=["777"],
                     replies={"chat_id": "4711", "replies": [reply_to_json(r) for r in replies]})
    count_reply_sent(engine, channel="telegram", event_ids=["777"])
    async with BotApiSimulator(TOKEN) as sim:
        user = sim.user(4711, first_name="Dewi")
        settings = webhook_settings(sim, db_url, tmp_path / "media", driver, telegram_webhook_secret=SECRET)
        async with running(settings):
            [owed] = await user.replies(timeout=15)
            await user.no_more_replies(1.0)
    assert owed.text == "second, still owed" and owed.buttons == [[("Lapor", "menu:report")]]
    with Session(engine) as session:
        assert not session.exec(select(WebhookInbox)).all()
