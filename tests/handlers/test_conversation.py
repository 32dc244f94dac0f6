"""Editing, cancelling, redelivery, restarts, languages and /status."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from handlers.engine import Conversations
from handlers.turn import FlowConfig
from helpers import Resident, jpeg
from storage.media import MediaStore
from storage.models import Complaint, Conversation, ProcessedEvent, Reporter

DESCRIPTION = "Garbage has not been collected in our street for ten days and it smells."


async def summary_ready(resident: Resident) -> None:
    await resident.agree()
    await resident.photo(jpeg(), caption=DESCRIPTION)
    await resident.pin()
    await resident.press("name:profile")
    assert "Please check your report" in resident.text


def filed(engine: Engine) -> list[Complaint]:
    with Session(engine) as session:
        return list(session.exec(select(Complaint)))


async def test_editing_a_field_from_the_summary(conversations: Conversations, engine: Engine) -> None:
    resident = Resident(conversations, language_code="en")
    await summary_ready(resident)
    await resident.press("edit:name")
    assert "What is your name" in resident.text
    await resident.say("Siti Rahmawati")
    assert "Name: Siti Rahmawati" in resident.text
    await resident.press("edit:description")
    await resident.say("Garbage piles up next to the mosque and nobody collects it since May.")
    await resident.press("edit:category")
    await resident.press("cat:environment")
    assert "Category: Environment / pollution" in resident.text
    await resident.press("edit:privacy")
    await resident.press("priv:anonymous")
    await resident.press("submit")
    [complaint] = filed(engine)
    assert (complaint.name, complaint.category, complaint.privacy) == ("Siti Rahmawati", "environment",
                                                                      "anonymous")
    assert complaint.description.startswith("Garbage piles up next to the mosque")


async def test_replacing_the_photos_from_the_summary(conversations: Conversations, tmp_path: Path) -> None:
    resident = Resident(conversations, language_code="en")
    await summary_ready(resident)
    await resident.press("edit:photo")
    await resident.photo(jpeg(color=(1, 1, 1)), jpeg(color=(2, 2, 2)))
    assert "Photos: 2 photos" in resident.text
    assert len(list((tmp_path / "media").rglob("*.jpg"))) == 2  # the replaced photo was deleted


async def test_cancel_deletes_the_draft_and_its_photos(conversations: Conversations, engine: Engine,
                                                       tmp_path: Path) -> None:
    resident = Resident(conversations, language_code="en")
    await summary_ready(resident)
    await resident.press("cancel")
    assert resident.text == "Cancel this report? 1 photo will be deleted."
    await resident.press("cancel:yes")
    assert "cancelled" in resident.text
    assert not filed(engine)
    assert not list((tmp_path / "media").rglob("*.jpg"))
    await resident.say("/batal")
    assert "no unfinished report" in resident.text


async def test_a_redelivered_message_changes_nothing(conversations: Conversations, engine: Engine) -> None:
    resident = Resident(conversations, language_code="en")
    await summary_ready(resident)
    submit = resident.message(choice="submit")
    assert await resident.send(submit)
    assert await resident.send(submit) == []
    assert len(filed(engine)) == 1
    with Session(engine) as session:
        assert session.get(ProcessedEvent, ("test", submit.event_ids[0])) is not None


async def test_a_restart_mid_report_continues_the_same_report(engine: Engine, tmp_path: Path) -> None:
    first = Resident(Conversations(engine=engine, config=FlowConfig(), media=MediaStore(tmp_path)),
                     language_code="en")
    await first.agree()
    await first.say("Budi Santoso")
    await first.pin()
    # A new engine object over the same database, as after a process restart.
    second = Resident(Conversations(engine=engine, config=FlowConfig(), media=MediaStore(tmp_path)),
                      language_code="en")
    await second.say("/lapor")
    await second.press("draft:continue")
    assert "send a photo" in second.text
    await second.photo(jpeg(), caption=DESCRIPTION)
    assert "Name: Budi Santoso" in second.text and "📍" in second.text


async def test_language_switch_keeps_the_report(conversations: Conversations, engine: Engine) -> None:
    resident = Resident(conversations, language_code="en")
    await resident.agree()
    await resident.say("Budi Santoso")
    await resident.say("/bahasa id")
    assert "Bahasa diatur" in resident.text
    with Session(engine) as session:
        conversation = session.exec(select(Conversation)).one()
    assert conversation.data["draft"]["name"] == "Budi Santoso"


async def test_status_of_own_and_of_someone_elses_report(conversations: Conversations) -> None:
    owner = Resident(conversations, "1", language_code="en")
    await summary_ready(owner)
    await owner.press("submit")
    code = next(word for word in owner.text.split() if word.startswith("ADU-"))
    await owner.say(f"/status {code.lower()}")
    assert "History" in owner.text and "Received" in owner.text
    await owner.say("/status")
    assert code in owner.text and "Garbage" in owner.text
    stranger = Resident(conversations, "2", profile_name="Joko", language_code="en")
    await stranger.say(f"/status {code}")
    assert code in stranger.text and "Received" in stranger.text
    for personal in ("Budi", "Garbage", "106.71", "History"):
        assert personal not in stranger.text
    await stranger.say("/status ADU-000000")
    assert "No report with code ADU-000000" in stranger.text
    await stranger.say("/status hello")
    assert "is not a tracking code" in stranger.text


async def test_a_confidential_report_is_invisible_to_others(conversations: Conversations) -> None:
    owner = Resident(conversations, "1", language_code="en")
    await summary_ready(owner)
    await owner.press("edit:privacy")
    await owner.press("priv:confidential")
    await owner.press("submit")
    code = next(word for word in owner.text.split() if word.startswith("ADU-"))
    stranger = Resident(conversations, "2", language_code="en")
    await stranger.say(f"/status {code}")
    assert "No report with code" in stranger.text


async def test_a_returning_reporter_is_offered_the_last_name(conversations: Conversations) -> None:
    resident = Resident(conversations, language_code="en")
    await summary_ready(resident)
    await resident.press("edit:name")
    await resident.say("Siti Rahmawati")
    await resident.press("submit")
    await resident.say("/lapor")
    labels = [b.label for row in resident.last[-1].buttons for b in row]
    assert labels == ["Use “Siti Rahmawati”", "Use “Budi Santoso”"]


async def test_an_old_notices_decline_button_does_not_withdraw_consent(
        conversations: Conversations, engine: Engine) -> None:
    resident = Resident(conversations, language_code="en")
    await resident.agree()
    await resident.say("Budi Santoso")
    await resident.send(resident.message(choice="consent:no"))  # the notice's keyboard is still there
    assert "Where is the problem" in resident.text
    with Session(engine) as session:
        reporter = session.exec(select(Reporter)).one()
    assert reporter.consent_at is not None
