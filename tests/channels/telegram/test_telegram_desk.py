"""The desk shares the work over the real Telegram drivers: take, release, notes, canned replies, search."""

from __future__ import annotations

from datetime import time

from live_telegram import LiveTelegram, file_report
from sqlmodel import Session, col, select

from bot.simulator.user import SimUser
from handlers.turn import FlowConfig
from helpers import jpeg
from scheduler.producers import deadline_alerts
from storage.canned_replies import set_reply
from storage.models import Complaint, OperatorRole, Outbox, utcnow
from storage.operators import add_agency, add_operator

DESK = -1001234567890
LAMP = "Lampu jalan di gang Melati mati sejak seminggu, gelap dan rawan."
ROAD = "Jalan berlubang besar di depan sekolah dasar, motor sering jatuh."


async def setup(live: LiveTelegram) -> None:
    await live.stop()
    live.config = FlowConfig(operator_chat_id=str(DESK), quiet_hours=(time(0), time(0)))
    await live.start()
    with Session(live.engine) as session:
        dishub = add_agency(session, code="DISHUB", name="Dinas Perhubungan", now=utcnow(),
                            categories=["street_lighting"])
        add_agency(session, code="PUPR", name="Dinas PUPR", now=utcnow(), categories=["roads"])
        for external_id, name, role, agency in [("900", "Desk Andi", OperatorRole.ADMIN, None),
                                                ("903", "Desk Rina", OperatorRole.ADMIN, None),
                                                ("901", "Bayu Dishub", OperatorRole.AGENCY, dishub.id),
                                                ("904", "Sinta Dishub", OperatorRole.AGENCY, dishub.id)]:
            add_operator(session, external_id=external_id, name=name, role=role, agency_id=agency,
                         now=utcnow())
        set_reply(session, key="survey", text_id="Petugas kami akan survei lokasi minggu ini.",
                  text_en="Our officers will survey the place this week.", now=utcnow())
        session.commit()


def complaint(live: LiveTelegram, code: str) -> Complaint:
    with Session(live.engine) as session:
        return session.exec(select(Complaint).where(Complaint.code == code)).one()


async def test_take_release_and_mine_with_the_permission_cases(live: LiveTelegram) -> None:
    await setup(live)
    lamp = await file_report(live.sim.user(650, first_name="Sari", language_code="en"), LAMP, jpeg())
    road = await file_report(live.sim.user(651, first_name="Joko", language_code="id"), ROAD, jpeg())
    andi, rina = live.sim.user(900, language_code="en"), live.sim.user(903, language_code="en")
    bayu, sinta = live.sim.user(901, language_code="en"), live.sim.user(904, language_code="en")

    async def say(user: SimUser, text: str) -> str:
        await user.send_text(text)
        [answer] = await user.replies()
        return answer.text or ""

    assert "No complaint" in await say(bayu, f"/ambil {lamp}")  # not forwarded to Dishub yet
    assert f"You hold {lamp} now" in await say(andi, f"/ambil {lamp}")
    assert "held by Desk Andi" in await say(rina, f"/take {lamp}")
    queue = await say(rina, "/antrian")
    assert f"{lamp} · " in queue and "✋ Desk Andi" in queue and road in queue
    assert await say(rina, "/antrian saya") == "Nothing in the queue matches."
    mine = await say(andi, "/queue mine")
    assert lamp in mine and road not in mine

    assert "back in the queue" in await say(rina, f"/release {lamp}")  # the desk may hand back anyone's
    assert "Nobody holds" in await say(andi, f"/lepas {lamp}")
    assert f"You hold {lamp} now" in await say(andi, f"/ambil {lamp}")
    assert "Verified and forwarded" in await say(andi, f"/verifikasi {lamp}")  # the one lighting agency
    assert "Nobody holds" in await say(rina, f"/lepas {lamp}")  # forwarded: the desk let go of it
    assert f"You hold {lamp} now" in await say(bayu, f"/ambil {lamp}")
    assert "only they or the admin desk" in await say(sinta, f"/lepas {lamp}")

    # The deadline reminder goes to the holder, not to the rest of the agency.
    held = complaint(live, lamp)
    assert held.deadline_remind_at is not None
    deadline_alerts(live.engine, now=held.deadline_remind_at, config=live.config)
    with Session(live.engine) as session:
        reminded = [o.chat_id for o in session.exec(select(Outbox).where(Outbox.kind == "deadline_remind"))]
    assert reminded == ["901"]  # not Sinta (904), not the desk


async def test_internal_notes_and_canned_replies(live: LiveTelegram) -> None:
    await setup(live)
    resident = live.sim.user(660, first_name="Sari", language_code="en")
    lamp = await file_report(resident, LAMP, jpeg())
    andi, bayu = live.sim.user(900, language_code="en"), live.sim.user(901, language_code="en")
    await andi.send_text(f"/verifikasi {lamp}")
    await andi.replies()
    await bayu.send_text(f"/catatan {lamp} Tiang lampu milik PLN, koordinasi dulu.")
    [kept] = await bayu.replies()
    assert "Note kept" in (kept.text or "")
    await andi.send_text(f"/lihat {lamp}")
    [shown, _photo] = await andi.replies(2)
    assert "Tiang lampu milik PLN" in (shown.text or "") and "[internal]" in (shown.text or "")
    assert "note by Bayu Dishub" in (shown.text or "")

    await bayu.send_text(f"/balas {lamp} #nope")
    [unknown] = await bayu.replies()
    assert "No canned reply" in (unknown.text or "") and "#survey" in (unknown.text or "")
    await bayu.send_text(f"/balas {lamp} #survey")
    await bayu.replies()
    await live.deliver()
    messages = await resident.replies(2)  # the verification notice, then the canned reply
    assert "Our officers will survey the place this week." in (messages[-1].text or "")
    await resident.send_text(f"/status {lamp}")
    [status] = await resident.replies()
    with Session(live.engine) as session:
        told = " ".join(o.text for o in session.exec(select(Outbox).where(col(Outbox.chat_id) == "660")))
    assert "PLN" not in (status.text or "") and "PLN" not in told  # never shown to the reporter


async def test_search_by_code_words_and_name_within_what_each_may_see(live: LiveTelegram) -> None:
    await setup(live)
    lamp = await file_report(live.sim.user(670, first_name="Sari", language_code="en"), LAMP, jpeg())
    road = await file_report(live.sim.user(671, first_name="Joko", language_code="id"), ROAD, jpeg())
    andi, bayu = live.sim.user(900, language_code="en"), live.sim.user(901, language_code="en")
    await andi.send_text(f"/verifikasi {lamp}")
    await andi.replies()

    async def found(user: SimUser, text: str) -> str:
        await user.send_text(f"/cari {text}")
        [answer] = await user.replies()
        return answer.text or ""

    assert lamp in await found(andi, lamp[-4:].lower())  # a fragment of the code
    both = await found(andi, "gang")  # no: only the lamp's description says gang
    assert lamp in both and road not in both
    assert road in await found(andi, "sekolah motor")  # every word must match
    assert road in await found(andi, "Joko")  # the desk finds reporters by name
    assert "No complaint matches" in await found(bayu, "Sari")  # agencies do not search names
    assert lamp in await found(bayu, "melati")
    assert "No complaint matches" in await found(bayu, "sekolah")  # another agency's: never shown
    await bayu.send_text("/search")
    [usage] = await bayu.replies()
    assert "Usage: /cari" in (usage.text or "")
