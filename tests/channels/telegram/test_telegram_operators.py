"""Operators work through the real Telegram adapter: private chat, the desk's group, photos, buttons."""

from __future__ import annotations

from live_telegram import LiveTelegram, file_report
from sqlmodel import Session

from helpers import jpeg
from storage.models import OperatorRole, utcnow
from storage.operators import add_agency, add_operator

DESK_GROUP = -1001234567890
DESCRIPTION = "Lampu jalan di gang Melati mati sejak seminggu, gelap dan rawan."


def register_staff(live: LiveTelegram) -> None:
    with Session(live.engine) as session:
        agency = add_agency(session, code="DISHUB", name="Dinas Perhubungan", now=utcnow())
        add_operator(session, external_id="900", name="Desk", role=OperatorRole.ADMIN, agency_id=None,
                     now=utcnow())
        add_operator(session, external_id="901", name="Budi Dishub", role=OperatorRole.AGENCY,
                     agency_id=agency.id, now=utcnow())
        session.commit()


async def test_the_desk_verifies_a_report_from_its_group_and_sees_the_photo(live: LiveTelegram) -> None:
    register_staff(live)
    code = await file_report(live.sim.user(600, first_name="Siti", language_code="id"), DESCRIPTION, jpeg())
    desk = live.sim.user(900, first_name="Desk", language_code="en")
    await desk.send_text("/antrian", chat_id=DESK_GROUP)
    [queue] = await live.sim.messages_in(DESK_GROUP)
    assert code in (queue.text or "") and "Street lighting" in (queue.text or "")
    await desk.send_text(f"/lihat {code}", chat_id=DESK_GROUP)
    shown = await live.sim.messages_in(DESK_GROUP, 3)
    assert "openstreetmap.org" in (shown[1].text or "") and "Siti" in (shown[1].text or "")
    assert shown[2].method == "sendPhoto" and (shown[2].text or "").startswith(code)
    await desk.send_text(f"/verifikasi {code}", chat_id=DESK_GROUP)
    await live.sim.messages_in(DESK_GROUP, 4)
    await desk.press("DISHUB", chat_id=DESK_GROUP)
    done = await live.sim.messages_in(DESK_GROUP, 5)
    assert "Verified and forwarded" in (done[-1].text or "")
    agency = live.sim.user(901, first_name="Budi", language_code="en")
    await agency.send_text("/antrian")
    [mine] = await agency.replies()
    assert code in (mine.text or "")


async def test_non_operators_get_nothing_from_admin_commands(live: LiveTelegram) -> None:
    register_staff(live)
    resident = live.sim.user(601, language_code="en")
    await resident.send_text("/antrian")
    [answer] = await resident.replies()
    assert "do not know that command" in (answer.text or "")
    await resident.send_text("/antrian", chat_id=DESK_GROUP)
    await resident.send_text("/start", chat_id=DESK_GROUP)
    await resident.send_text("/help")
    await resident.replies()
    assert not [m for m in live.sim.sent if m.chat_id == DESK_GROUP]
