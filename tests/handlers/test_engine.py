"""The engine's bookkeeping around each turn: first contact, redeliveries, the time of the last message."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from handlers.engine import Conversations
from handlers.messages import Attachment
from handlers.turn import FlowConfig
from helpers import Resident, jpeg
from storage.media import MediaStore
from storage.models import Complaint, Conversation, Photo, Reporter, StatusChange

START = datetime(2026, 11, 2, 8, 0, tzinfo=UTC)


class Clock:
    """A clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = START

    def __call__(self) -> datetime:
        return self.now


def _reporters(engine: Engine) -> list[Reporter]:
    with Session(engine) as session:
        return list(session.exec(select(Reporter)))


def _conversation(engine: Engine) -> tuple[str, dict[str, object]]:
    with Session(engine) as session:
        [conversation] = session.exec(select(Conversation)).all()
        return conversation.step, dict(conversation.data)


@pytest.mark.parametrize("first", ["/start", "Jalan di depan pasar rusak parah dan berlubang besar"])
async def test_a_redelivered_first_message_creates_one_reporter_and_answers_once(
    conversations: Conversations, engine: Engine, first: str
) -> None:
    resident = Resident(conversations)
    msg = resident.message(command="start") if first == "/start" else resident.message(text=first)
    assert await resident.send(msg)
    state = _conversation(engine)
    assert await resident.send(msg) == []
    assert len(_reporters(engine)) == 1
    assert _conversation(engine) == state


async def test_a_redelivered_photo_is_neither_fetched_nor_stored_twice(
    conversations: Conversations, engine: Engine
) -> None:
    resident = Resident(conversations, language_code="en")
    await resident.agree()
    fetched: list[str] = []
    original = conversations._fetchers["test"]

    async def counting(attachment: Attachment) -> bytes:
        fetched.append(attachment.ref)
        return await original(attachment)

    conversations.add_channel("test", counting)
    resident.files["p1"] = jpeg()
    photo = resident.message(attachments=(Attachment("photo", "p1", None, "image/jpeg"),))
    assert await resident.send(photo)
    assert await resident.send(photo) == []
    assert fetched == ["p1"]
    _step, data = _conversation(engine)
    assert len(data["draft"]["photos"]) == 1  # type: ignore[index]
    with Session(engine) as session:
        assert session.exec(select(Photo)).all() == []  # kept in the draft until the report is filed


async def test_the_time_of_the_last_message_is_kept_to_the_minute(engine: Engine, tmp_path: Path) -> None:
    clock = Clock()
    resident = Resident(Conversations(engine=engine, config=FlowConfig(), media=MediaStore(tmp_path),
                                      clock=clock))
    expected = []
    for step in (timedelta(0), timedelta(seconds=30), timedelta(seconds=40), timedelta(hours=3)):
        clock.now += step
        await resident.say("/bantuan")
        [reporter] = _reporters(engine)
        expected.append(reporter.last_inbound_at)
    # Refreshed when a minute or more has passed; a chatting resident's row is not rewritten each time.
    assert expected == [START, START, START + timedelta(seconds=70), START + timedelta(hours=3, seconds=70)]


async def test_a_tracking_code_already_taken_is_not_given_twice(
    conversations: Conversations, engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    codes = iter(["ADU-AAAAAA", "ADU-AAAAAA", "ADU-BBBBBB"])  # the codes' randomness, fixed for the test
    monkeypatch.setattr("storage.complaints.new_code", lambda _prefix: next(codes))
    for user_id, longitude in (("2001", 106.7179), ("2002", 106.7379)):  # 2 km apart: not a duplicate
        resident = Resident(conversations, user_id=user_id, language_code="en")
        await resident.agree()
        await resident.photo(jpeg(), caption="Lampu jalan di depan pasar mati sejak dua minggu, gelap sekali")
        await resident.pin(longitude=longitude)
        await resident.press("name:profile")
        await resident.press("submit")
    with Session(engine) as session:
        filed = {c.code: c.reporter_id for c in session.exec(select(Complaint))}
        history = session.exec(select(StatusChange)).all()
        photos = session.exec(select(Photo)).all()
    assert sorted(filed) == ["ADU-AAAAAA", "ADU-BBBBBB"]
    assert len(set(filed.values())) == 2
    assert [h.to_status for h in history] == ["received", "received"]
    assert len(photos) == 2


async def test_what_a_turn_changes_on_the_reporter_is_stored(
        conversations: Conversations, engine: Engine) -> None:
    resident = Resident(conversations, profile_name="Budi")
    await resident.agree()
    resident.profile_name = "Budi Santoso"  # renamed in the chat app meanwhile
    await resident.say("/bahasa en")
    [reporter] = _reporters(engine)
    assert (reporter.profile_name, reporter.locale) == ("Budi Santoso", "en")
    assert reporter.consent_at is not None and reporter.last_inbound_at is not None


async def test_a_turn_that_fails_leaves_nothing_written_and_nothing_locked(
    conversations: Conversations, engine: Engine
) -> None:
    resident = Resident(conversations, language_code="en")
    await resident.say("/start")
    with engine.begin() as connection:  # the consent record's table is away for now (an OperationalError)
        connection.exec_driver_sql("ALTER TABLE consent RENAME TO consent_away")
    assert "gangguan" in (await resident.press("consent:yes"))[0].text  # the apology, in the default locale
    # No transaction of the failed turn holds the writer's lock: another writer gets it at once.
    other = sqlite3.connect(str(engine.url.database), timeout=0, isolation_level=None)
    try:
        other.execute("BEGIN IMMEDIATE")
        other.execute("ALTER TABLE consent_away RENAME TO consent")
        other.execute("COMMIT")
    finally:
        other.close()
    assert [r.consent_at for r in _reporters(engine)] == [None]  # the failed turn wrote nothing
    await resident.say("/start")
    await resident.press("consent:yes")
    assert "name" in resident.text.lower()
    assert [r.consent_at is not None for r in _reporters(engine)] == [True]
