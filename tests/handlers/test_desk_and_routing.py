"""Routing by category, merging duplicates, the queue's order and area filter, search pages, statistics."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from geo_fixtures import EAST, WEST, city
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from handlers.engine import Conversations
from handlers.turn import FlowConfig
from helpers import Resident, jpeg
from storage.complaints import NewComplaint, file_complaint
from storage.media import MediaStore
from storage.models import Complaint, OperatorRole, Outbox, Reporter, utcnow
from storage.models_desk import ComplaintFollower, SupportingReport
from storage.operators import add_agency, add_operator

LAMP = "Lampu jalan di depan musala mati sejak seminggu, gelap sekali kalau malam."


@pytest.fixture
def conversations(engine: Engine, tmp_path: Path) -> Conversations:
    """Two agencies for street lighting, one for roads, the desk and an agency operator."""
    with Session(engine) as session:
        dishub = add_agency(session, code="DISHUB", name="Dinas Perhubungan", now=utcnow(),
                            categories=["street_lighting"])
        add_agency(session, code="PUPR", name="Dinas PUPR", now=utcnow(), categories=["roads"])
        add_agency(session, code="DLH", name="Dinas Lingkungan Hidup", now=utcnow(), categories=["waste"])
        add_operator(session, external_id="900", name="Desk", role=OperatorRole.ADMIN, agency_id=None,
                     now=utcnow())
        add_operator(session, external_id="901", name="Bayu", role=OperatorRole.AGENCY, agency_id=dishub.id,
                     now=utcnow())
        session.commit()
    config = FlowConfig(geography=city(tmp_path / "city"))
    return Conversations(engine=engine, config=config, media=MediaStore(tmp_path / "media"))


@pytest.fixture
def desk(conversations: Conversations) -> Resident:
    return Resident(conversations, "900", profile_name="Desk", language_code="en", channel="telegram")


async def report(conversations: Conversations, user_id: str, point: tuple[float, float],
                 description: str = LAMP, privacy: str = "public") -> Resident:
    resident = Resident(conversations, user_id, profile_name=f"Warga {user_id}", language_code="en",
                        channel="telegram")
    await resident.agree()
    await resident.photo(jpeg(), caption=description)
    await resident.pin(*point)
    if "dup:continue" in [b.data for r in resident.last for row in r.buttons for b in row]:
        await resident.press("dup:continue")
    await resident.press("name:profile")
    if privacy != "public":
        await resident.press("edit:privacy")
        await resident.press(f"priv:{privacy}")
    await resident.press("submit")
    return resident


def codes(engine: Engine) -> list[str]:
    with Session(engine) as session:
        return list(session.exec(select(Complaint.code).order_by(col(Complaint.id))))


def row(engine: Engine, code: str) -> Complaint:
    with Session(engine) as session:
        return session.exec(select(Complaint).where(Complaint.code == code)).one()


async def test_verify_puts_the_suggested_agencies_first_and_forwards_when_one_matches(
        engine: Engine, conversations: Conversations, desk: Resident) -> None:
    await report(conversations, "100", WEST)
    [lamp] = codes(engine)
    await desk.say(f"/verifikasi {lamp}")
    assert "Verified and forwarded" in desk.text and row(engine, lamp).agency_id is not None
    with Session(engine) as session:  # a second lighting agency: now there is a choice to make
        add_agency(session, code="PLN", name="PLN", now=utcnow(), categories=["street_lighting"])
        session.commit()
    await report(conversations, "102", (EAST[0] - 0.01, EAST[1]))
    third = codes(engine)[-1]
    await desk.say(f"/verifikasi {third}")
    labels = [b.label for r in desk.last for line in r.buttons for b in line]
    assert labels[:2] == ["⭐ DISHUB", "⭐ PLN"] and set(labels[2:]) == {"DLH", "PUPR"}
    assert row(engine, third).agency_id is None
    await desk.press("opv:" + third + ":PLN")
    assert row(engine, third).agency_id != row(engine, lamp).agency_id


async def test_archiving_a_duplicate_moves_its_reporter_to_follow_the_original(
        engine: Engine, conversations: Conversations, desk: Resident) -> None:
    await report(conversations, "110", WEST)
    await report(conversations, "111", (WEST[0], WEST[1] + 0.01))  # 1 km away: filed on its own
    original, repeat = codes(engine)
    await desk.say(f"/arsip {repeat} duplikat {original.lower()}")
    assert "now follows" in desk.text and "reported by 2 residents" in desk.text
    assert row(engine, repeat).status == "archived" and row(engine, original).reporters_count == 2
    with Session(engine) as session:
        [follower] = session.exec(select(ComplaintFollower)).all()
        [support] = session.exec(select(SupportingReport)).all()
        repeater = session.exec(select(Reporter).where(Reporter.external_id == "111")).one()
        [notice] = session.exec(select(Outbox).where(Outbox.kind == "merged")).all()
    assert follower.reporter_id == repeater.id and support.source_code == repeat
    assert notice.chat_id == "111" and original in notice.text and repeat in notice.text
    await desk.say(f"/lihat {original}")
    assert "Reported by 2 residents" in desk.text and f"({repeat})" in desk.text


async def test_a_confidential_original_gets_no_followers(
        engine: Engine, conversations: Conversations, desk: Resident) -> None:
    await report(conversations, "120", WEST, privacy="confidential")
    await report(conversations, "121", WEST)  # the confidential one is never offered
    secret, repeat = codes(engine)
    await desk.say(f"/arsip {repeat} duplikat {secret}")
    assert "is confidential" in desk.text and row(engine, secret).reporters_count == 1
    with Session(engine) as session:
        assert not session.exec(select(ComplaintFollower)).all()


async def test_the_queue_puts_the_most_reported_first_and_filters_by_area(
        engine: Engine, conversations: Conversations, desk: Resident) -> None:
    await report(conversations, "130", EAST)
    await report(conversations, "131", WEST)
    east, west = codes(engine)
    follower = Resident(conversations, "132", profile_name="Warga", language_code="en", channel="telegram")
    await follower.agree()
    await follower.photo(jpeg(), caption=LAMP)
    await follower.pin(*WEST)
    await follower.press(f"dup:follow:{west}")
    await desk.say("/antrian")
    lines = desk.text.splitlines()
    assert west in lines[1] and "reported by 2 residents" in lines[1] and east in lines[2]
    await desk.say("/antrian sukasari")
    assert east in desk.text and west not in desk.text
    await desk.say("/antrian Kota Barat")
    assert west in desk.text and east not in desk.text
    await desk.say("/antrian verified Kota Barat")
    assert desk.text == "Nothing in the queue matches."
    await desk.say("/antrian Atlantis")
    assert "Unknown status or area “Atlantis”" in desk.text


async def test_search_is_paginated(engine: Engine, conversations: Conversations, desk: Resident) -> None:
    with Session(engine) as session:
        reporter = Reporter(channel="telegram", external_id="140", chat_id="140", locale="en")
        session.add(reporter)
        session.commit()
        session.refresh(reporter)
    with engine.begin() as connection:
        for n in range(12):
            file_complaint(connection, reporter=reporter, prefix="ADU", now=utcnow() - timedelta(minutes=n),
                           report=NewComplaint(name="Warga", address=f"Jalan Kenanga {n}", latitude=None,
                                               longitude=None, location_source=None, description=LAMP,
                                               category="street_lighting", privacy="public", photos=[]))
    await desk.say("/cari kenanga")
    assert desk.text.startswith("12 complaints match “kenanga”") and desk.text.count("• ADU-") == 10
    await desk.press("opf:1")
    assert desk.text.count("• ADU-") == 2
    assert [b.data for r in desk.last for line in r.buttons for b in line] == ["opf:0"]
