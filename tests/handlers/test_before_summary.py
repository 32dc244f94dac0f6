"""The checks before the summary, edge cases: a typed address after “another location”, a stale offer."""

from __future__ import annotations

from pathlib import Path

import pytest
from geo_fixtures import NOWHERE, WEST, city
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from handlers.engine import Conversations
from handlers.turn import FlowConfig
from helpers import Resident, jpeg
from storage.media import MediaStore
from storage.models import Complaint
from storage.models_desk import ComplaintFollower

LAMP = "Lampu jalan di depan musala mati sejak seminggu, gelap sekali kalau malam."


@pytest.fixture
def conversations(engine: Engine, tmp_path: Path) -> Conversations:
    return Conversations(engine=engine, config=FlowConfig(geography=city(tmp_path / "city")),
                         media=MediaStore(tmp_path / "media"))


def buttons(resident: Resident) -> list[str]:
    return [b.data for r in resident.last for row in r.buttons for b in row]


async def test_another_location_can_be_a_typed_address(conversations: Conversations, engine: Engine) -> None:
    resident = Resident(conversations, "1", language_code="en")
    await resident.agree()
    await resident.photo(jpeg(), caption=LAMP)
    await resident.press("name:profile")
    await resident.pin(*NOWHERE)
    assert buttons(resident) == ["area:relocate", "area:anyway"]
    await resident.press("area:relocate")
    assert "Where is the problem" in resident.text
    await resident.say("Jalan Melati nomor 4, RT 02 RW 05, Sukamaju")
    assert "Please check your report" in resident.text and "Outside the area" not in resident.text
    await resident.press("submit")
    with Session(engine) as session:
        filed = session.exec(select(Complaint)).one()
    assert (filed.latitude, filed.outside_area, filed.address) == (
        None, False, "Jalan Melati nomor 4, RT 02 RW 05, Sukamaju")


async def test_an_offer_gone_stale_is_looked_at_again(conversations: Conversations, engine: Engine) -> None:
    first = Resident(conversations, "10", language_code="en")
    await first.agree()
    await first.photo(jpeg(), caption=LAMP)
    await first.pin(*WEST)
    await first.press("name:profile")
    await first.press("submit")
    second = Resident(conversations, "11", language_code="en")
    await second.agree()
    await second.photo(jpeg(), caption=LAMP)
    await second.pin(*WEST)
    [follow, _continue] = buttons(second)
    with engine.begin() as connection:  # resolved meanwhile: no longer open
        connection.exec_driver_sql("UPDATE complaint SET status = 'resolved'")
    await second.press(follow)
    assert "What is your name" in second.text and "reported already" not in second.text
    with Session(engine) as session:
        assert session.exec(select(ComplaintFollower)).all() == []
