"""The privacy notice tells the truth, and the data-rights flows keep what it promises."""

from __future__ import annotations

from pathlib import Path

import pytest
from privacy_helpers import files_under
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from handlers.engine import Conversations
from handlers.turn import FlowConfig
from helpers import Resident, jpeg
from storage.media import MediaStore
from storage.models import Complaint, Consent, Conversation, Reporter, StatusChange

DESCRIPTION = "Garbage has not been collected in our street for ten days and it smells."


async def file(resident: Resident) -> str:
    await resident.agree()
    await resident.photo(jpeg(), caption=DESCRIPTION)
    await resident.pin()
    await resident.press("name:profile")
    await resident.press("submit")
    return resident.text.split("Tracking code: ")[1].split()[0] if "Tracking code" in resident.text else \
        resident.text.split("Kode pelacakan: ")[1].split()[0]


RIGHTS = ["/dataku", "/ubah", "/tarikpersetujuan", "/hapusdata"]


@pytest.mark.parametrize(("language", "years", "promises"), [
    ("id", 5, ["5 tahun setelah laporan Anda ditutup", *RIGHTS]),
    ("en", 7, ["7 years after your report is closed", *RIGHTS]),
])
async def test_the_notice_states_the_real_retention_and_commands(
    engine: Engine, tmp_path: Path, language: str, years: int, promises: list[str],
) -> None:
    conversations = Conversations(engine=engine, config=FlowConfig(retention_years=years),
                                  media=MediaStore(tmp_path))
    resident = Resident(conversations, language_code=language)
    await resident.say("/start")
    for promise in promises:
        assert promise in resident.text
    await resident.say("/bantuan")
    assert "/hapusdata" in resident.text and "/dataku" in resident.text


async def test_withdrawing_consent_stops_everything_and_a_new_consent_restarts(
    conversations: Conversations, engine: Engine, tmp_path: Path,
) -> None:
    resident = Resident(conversations, language_code="en")
    await resident.agree()
    await resident.photo(jpeg(), caption=DESCRIPTION)
    assert len(files_under(tmp_path / "media")) == 1
    await resident.say("/withdraw")
    assert "consent is withdrawn" in resident.text and files_under(tmp_path / "media") == set()
    with Session(engine) as session:
        reporter = session.exec(select(Reporter)).one()
        answers = [c.accepted for c in session.exec(select(Consent))]
        conversation = session.exec(select(Conversation)).one()
    assert reporter.consent_at is None and reporter.opted_out_at is not None and answers == [True, False]
    assert "draft" not in conversation.data
    await resident.say("/withdraw")
    assert "have not given consent" in resident.text
    await resident.say("a pothole in front of the school has been growing for weeks now")
    assert "Do you agree?" in resident.text  # nothing is processed before a new consent
    await resident.press("consent:yes")
    with Session(engine) as session:
        assert session.exec(select(Reporter)).one().opted_out_at is None


async def test_only_a_report_still_received_can_be_corrected(
    conversations: Conversations, engine: Engine,
) -> None:
    resident = Resident(conversations, language_code="en")
    code = await file(resident)
    await resident.say(f"/ubah {code} alamat Jl. Melati 5, RT 01/RW 02, Kel. Serua")
    assert "The address in" in resident.text
    await resident.say(f"/correct {code} name X")
    assert "needs at least 2 letters" in resident.text  # bad input is explained; the pending question stays
    await resident.say("/ubah nonsense")
    assert "tracking code" in resident.text
    other = Resident(conversations, "2002", language_code="en")
    await other.agree()
    await other.say(f"/ubah {code}")
    assert "No report with code" in other.text
    with Session(engine) as session:
        complaint = session.exec(select(Complaint).where(Complaint.code == code)).one()
        history = session.exec(select(StatusChange).where(StatusChange.complaint_id == complaint.id))
        notes = [change.note for change in history]
        assert complaint.address == "Jl. Melati 5, RT 01/RW 02, Kel. Serua"
        complaint.status = "verified"
        session.add(complaint)
        session.commit()
    assert "Alamat dikoreksi oleh pelapor (sebelumnya: -)" in notes
    await resident.say(f"/ubah {code}")
    assert "can no longer be corrected" in resident.text


async def test_erasure_asks_first_and_then_forgets_the_resident(
    conversations: Conversations, engine: Engine, tmp_path: Path,
) -> None:
    resident = Resident(conversations, language_code="en")
    code = await file(resident)
    await resident.say("/deletedata")
    assert code in resident.text and "1 photo," in resident.text
    await resident.press("erase:yes")
    assert "erased" in resident.text and files_under(tmp_path / "media") == set()
    with Session(engine) as session:
        assert session.exec(select(Conversation)).all() == []
        [tombstone] = session.exec(select(Reporter)).all()
    assert tombstone.external_id.startswith("erased:") and tombstone.profile_name is None
    await resident.say("/mydata")  # the same chat is someone new now: only what this message created
    assert code not in resident.text and "Reports: 0" in resident.text
