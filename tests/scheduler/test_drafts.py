"""Unfinished reports: one reminder after an hour, deletion (photos too) after a day."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from handlers.engine import Conversations
from handlers.turn import FlowConfig
from helpers import Resident, jpeg
from scheduler.producers import DraftTimes, draft_followups
from storage.media import MediaStore
from storage.models import Conversation, Outbox, utcnow

TIMES = DraftTimes(remind_after=timedelta(minutes=60), expire_after=timedelta(hours=24))
DAYTIME = FlowConfig(quiet_hours=(datetime.min.time(), datetime.min.time()))  # no quiet hours here


async def resident_with_a_draft(engine: Engine, media: MediaStore) -> Resident:
    budi = Resident(Conversations(engine=engine, config=DAYTIME, media=media))
    await budi.say("/lapor")
    await budi.press("consent:yes")
    await budi.photo(jpeg(), caption="Lampu jalan mati sejak tiga hari di depan rumah")
    return budi


def outbox(engine: Engine) -> list[Outbox]:
    with Session(engine) as session:
        return list(session.exec(select(Outbox).order_by(col(Outbox.id))))


def run(engine: Engine, media: MediaStore, at: datetime) -> tuple[int, int]:
    return draft_followups(engine, now=at, config=DAYTIME, drafts=TIMES, delete_file=media.delete)


async def test_one_reminder_then_expiry_with_the_photos_deleted(engine: Engine, tmp_path: Path) -> None:
    media = MediaStore(tmp_path / "media")
    start = utcnow()
    budi = await resident_with_a_draft(engine, media)
    photos = list((tmp_path / "media").rglob("*.jpg"))
    assert photos
    assert run(engine, media, start + timedelta(minutes=30)) == (0, 0)
    assert run(engine, media, start + timedelta(minutes=61)) == (1, 0)
    assert run(engine, media, start + timedelta(minutes=90)) == (0, 0)
    [reminder] = outbox(engine)
    assert reminder.kind == "draft_reminder" and "disimpan selama 24 jam" in reminder.text
    assert [b["data"] for b in reminder.buttons[0]] == ["draft:continue", "cancel"]

    assert run(engine, media, start + timedelta(hours=24, minutes=1)) == (0, 1)
    assert run(engine, media, start + timedelta(hours=25)) == (0, 0)
    expired = outbox(engine)[-1]
    assert expired.kind == "draft_expired" and "dalam 24 jam" in expired.text
    assert not any(p.exists() for p in photos)
    with Session(engine) as session:
        [conversation] = session.exec(select(Conversation)).all()
        assert "draft" not in conversation.data and conversation.step == "idle"
    [reply] = await budi.send(budi.message(choice="draft:continue"))
    assert reply.buttons  # the menu again: nothing of the old draft is resumed


async def test_a_resident_who_writes_again_gets_a_new_reminder_later(engine: Engine, tmp_path: Path) -> None:
    media = MediaStore(tmp_path / "media")
    start = utcnow()
    budi = await resident_with_a_draft(engine, media)
    assert run(engine, media, start + timedelta(minutes=61)) == (1, 0)
    await budi.say("Budi Santoso")
    assert run(engine, media, utcnow() + timedelta(minutes=61)) == (1, 0)
    assert len(outbox(engine)) == 2


async def test_an_empty_draft_gets_no_reminder_and_goes_silently(engine: Engine, tmp_path: Path) -> None:
    media = MediaStore(tmp_path / "media")
    start = utcnow()
    siti = Resident(Conversations(engine=engine, config=DAYTIME, media=media), "2002")
    await siti.say("/lapor")
    await siti.press("consent:yes")  # the report is opened, nothing is entered
    assert run(engine, media, start + timedelta(minutes=61)) == (0, 0)
    assert run(engine, media, start + timedelta(hours=25)) == (0, 1)
    assert outbox(engine) == []
    with Session(engine) as session:
        [conversation] = session.exec(select(Conversation)).all()
    assert "draft" not in conversation.data


async def test_a_photo_kept_while_asking_where_it_belongs_expires_with_its_file(
        engine: Engine, tmp_path: Path) -> None:
    media = MediaStore(tmp_path / "media")
    start = utcnow()
    budi = await resident_with_a_draft(engine, media)
    await budi.pin()
    await budi.press("name:profile")
    await budi.press("submit")
    await budi.photo(jpeg(color=(3, 3, 3)))
    assert any(b.data.startswith("add:ADU-") for r in budi.last for row in r.buttons for b in row)
    assert len(list((tmp_path / "media").rglob("*.jpg"))) == 2
    assert run(engine, media, start + timedelta(hours=25)) == (0, 0)
    assert len(list((tmp_path / "media").rglob("*.jpg"))) == 1  # the filed report's photo stays
    with Session(engine) as session:
        [conversation] = session.exec(select(Conversation)).all()
    assert "followup" not in conversation.data and conversation.step == "idle"
    assert [o.kind for o in outbox(engine)] == []
