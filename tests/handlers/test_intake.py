"""The report conversation, played against the channel-neutral engine."""

from __future__ import annotations

from sqlalchemy.engine import Engine
from sqlmodel import Session, select
from storage_exif import gps_exif

from handlers.deadlines import refresh_deadlines
from handlers.turn import FlowConfig
from helpers import Resident, jpeg
from storage.models import Complaint, Consent, Photo, StatusChange

DESCRIPTION = "Jalan berlubang besar di depan SDN 3, sudah dua motor jatuh."


def complaints(engine: Engine) -> list[Complaint]:
    with Session(engine) as session:
        return list(session.exec(select(Complaint)))


async def test_first_contact_shows_the_privacy_notice_and_records_the_answer(
        resident: Resident, engine: Engine) -> None:
    await resident.say("/start")
    assert "UU PDP" in resident.text
    await resident.press("consent:yes")
    assert "nama" in resident.text.lower()
    with Session(engine) as session:
        consent = session.exec(select(Consent)).one()
    assert consent.accepted and consent.created_at is not None and consent.notice_version


async def test_a_photo_sent_before_consent_is_kept_and_used_after(resident: Resident, engine: Engine) -> None:
    await resident.photo(jpeg(), caption=DESCRIPTION)
    assert "UU PDP" in resident.text
    await resident.press("consent:yes")
    assert "Siapa nama" in resident.text or "nama" in resident.text.lower()
    await resident.press("name:profile")
    await resident.say("Jl. Merdeka No. 10, RT 03/RW 05")
    assert "Silakan periksa laporan Anda" in resident.text  # the summary: nothing was lost
    assert resident.last[-1].buttons[0][0].label == "✅ Kirim"
    await resident.press("submit")
    [complaint] = complaints(engine)
    assert complaint.description == DESCRIPTION
    with Session(engine) as session:  # the photo too, fetched once the notice was accepted
        assert len(session.exec(select(Photo).where(Photo.complaint_id == complaint.id)).all()) == 1


async def test_complete_report_in_default_order(resident: Resident, engine: Engine) -> None:
    await resident.agree()
    await resident.say("Budi Santoso")
    assert resident.last[-1].ask_location
    await resident.say("Jl. Merdeka No. 10, RT 03/RW 05, Cipete")
    await resident.photo(jpeg())
    await resident.say(DESCRIPTION)
    assert "Budi Santoso" in resident.text and "1 foto" in resident.text
    await resident.press("submit")
    [complaint] = complaints(engine)
    assert complaint.code in resident.text
    assert (complaint.status, complaint.name, complaint.category) == ("received", "Budi Santoso", "roads")
    with Session(engine) as session:
        assert len(session.exec(select(Photo)).all()) == 1
        assert session.exec(select(StatusChange)).one().to_status == "received"
        # Filing sets the deadlines without reading the history; reading it gives the same dates.
        row = session.get(Complaint, complaint.id)
        assert row is not None and row.deadline_kind == "verify"
        dates = (row.deadline_at, row.deadline_remind_at, row.next_update_at)
        refresh_deadlines(session, row, row.created_at, config=FlowConfig())
        assert (row.deadline_at, row.deadline_remind_at, row.next_update_at) == dates


async def test_everything_at_once_asks_only_for_the_name(resident: Resident, engine: Engine) -> None:
    await resident.agree()
    await resident.photo(jpeg(), caption=DESCRIPTION)
    await resident.pin()
    assert "nama" in resident.text.lower()
    assert [b.data for row in resident.last[-1].buttons for b in row] == ["name:profile"]
    await resident.press("name:profile")
    await resident.press("submit")
    [complaint] = complaints(engine)
    assert complaint.name == "Budi Santoso"
    assert (complaint.latitude, complaint.longitude, complaint.location_source) == (-6.2884, 106.7179, "pin")


async def test_gps_in_a_photo_sent_as_a_file_fills_the_location(resident: Resident, engine: Engine) -> None:
    resident.language_code = "en"
    await resident.agree()
    await resident.say("Budi Santoso")
    await resident.photo(jpeg(exif=gps_exif(-6.2884, 106.7179)), caption=DESCRIPTION, kind="document")
    assert "📍 -6.28840, 106.71790 (from the photo)" in resident.text  # address was not asked again
    await resident.press("submit")
    [complaint] = complaints(engine)
    assert (complaint.location_source, complaint.latitude) == ("exif", -6.2884)
