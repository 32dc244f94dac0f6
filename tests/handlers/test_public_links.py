"""Reporters are given their report's public link: where it will be at filing, the link itself once it is
verified (published) and in /status; a confidential report never gets one."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from handlers.engine import Conversations
from handlers.turn import FlowConfig
from helpers import Resident, jpeg
from storage.media import MediaStore
from storage.models import Complaint, OperatorRole, Outbox, utcnow
from storage.operators import add_agency, add_operator

ROOT = "https://aduan.example.go.id"
DESCRIPTION = "Sampah menumpuk di pinggir kali sudah dua minggu dan baunya menyengat."


@pytest.fixture
def conversations(engine: Engine, tmp_path: Path) -> Conversations:
    with Session(engine) as session:
        add_agency(session, code="DLH", name="Dinas Lingkungan Hidup", now=utcnow())
        add_operator(session, external_id="900", name="Desk", role=OperatorRole.ADMIN, agency_id=None,
                     now=utcnow())
        session.commit()
    return Conversations(engine=engine, config=FlowConfig(public_base_url=ROOT),
                         media=MediaStore(tmp_path / "media"))


async def file_and_verify(conversations: Conversations, privacy: str) -> tuple[Resident, str, str]:
    resident = Resident(conversations, "100", language_code="en", channel="telegram")
    await resident.agree()
    await resident.photo(jpeg(), caption=DESCRIPTION)
    await resident.pin()
    await resident.press("name:profile")
    if privacy != "public":
        await resident.press("edit:privacy")
        await resident.press(f"priv:{privacy}")
    await resident.press("submit")
    confirmation = resident.text
    code = next(w for w in confirmation.split() if w.startswith("ADU-"))
    desk = Resident(conversations, "900", profile_name="Desk", language_code="en", channel="telegram")
    await desk.say(f"/verifikasi {code} DLH")
    return resident, code, confirmation


@pytest.mark.parametrize("privacy", ["public", "anonymous"])
async def test_a_published_report_links_to_its_page(conversations: Conversations, engine: Engine,
                                                    privacy: str) -> None:
    resident, code, confirmation = await file_and_verify(conversations, privacy)
    link = f"{ROOT}/laporan/{code}"
    assert f"it will be public (without your name) at {link}" in confirmation
    with Session(engine) as session:
        [notice] = session.exec(select(Outbox).where(Outbox.kind == "status").order_by(col(Outbox.id))).all()
        complaint = session.exec(select(Complaint)).one()
    assert f"Your report is now public: {link}" in notice.text
    assert complaint.published_at is not None
    await resident.say(f"/status {code}")
    assert f"Public page: {link}" in resident.text


async def test_a_confidential_report_never_gets_a_link(conversations: Conversations, engine: Engine) -> None:
    resident, code, confirmation = await file_and_verify(conversations, "confidential")
    with Session(engine) as session:
        notices = [o.text for o in session.exec(select(Outbox).where(Outbox.kind == "status"))]
        complaint = session.exec(select(Complaint)).one()
    await resident.say(f"/status {code}")
    assert complaint.status == "verified" and complaint.published_at is None
    assert all("/laporan/" not in text for text in [confirmation, *notices, resident.text])
