"""Operators handle complaints with admin commands: permissions, transitions, relays, privacy."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from handlers.engine import Conversations
from handlers.turn import FlowConfig
from helpers import Resident, jpeg
from storage.media import MediaStore
from storage.models import Complaint, ComplaintMessage, OperatorRole, Outbox, StatusChange, utcnow
from storage.operators import add_agency, add_operator, create_invite

DESK = "-100500"
DESCRIPTION = "Sampah menumpuk di pinggir kali sudah dua minggu dan baunya menyengat."


@pytest.fixture
def conversations(engine: Engine, tmp_path: Path) -> Conversations:
    """The engine with an admin desk chat, two agencies and three operators."""
    with Session(engine) as session:
        dlh = add_agency(session, code="DLH", name="Dinas Lingkungan Hidup", now=utcnow())
        pupr = add_agency(session, code="PUPR", name="Dinas PUPR", now=utcnow())
        add_operator(session, external_id="900", name="Desk", role=OperatorRole.ADMIN, agency_id=None,
                     now=utcnow())
        add_operator(session, external_id="901", name="Rina DLH", role=OperatorRole.AGENCY, agency_id=dlh.id,
                     now=utcnow())
        add_operator(session, external_id="902", name="Joko PUPR", role=OperatorRole.AGENCY,
                     agency_id=pupr.id, now=utcnow())
        session.commit()
    return Conversations(engine=engine, config=FlowConfig(operator_chat_id=DESK),
                         media=MediaStore(tmp_path / "media"))


def outbox(engine: Engine, **where: str) -> list[Outbox]:
    with Session(engine) as session:
        query = select(Outbox).order_by(col(Outbox.id))
        for name, value in where.items():
            query = query.where(getattr(Outbox, name) == value)
        return list(session.exec(query))


def complaint(engine: Engine) -> Complaint:
    with Session(engine) as session:
        return session.exec(select(Complaint)).one()


async def file_report(conversations: Conversations, privacy: str = "public") -> tuple[Resident, str]:
    resident = Resident(conversations, "100", language_code="id", channel="telegram")
    await resident.agree()
    await resident.photo(jpeg(), caption=DESCRIPTION)
    await resident.pin()
    await resident.press("name:profile")
    if privacy != "public":
        await resident.press("edit:privacy")
        await resident.press(f"priv:{privacy}")
    await resident.press("submit")
    code = next(w for w in resident.text.split() if w.startswith("ADU-"))
    return resident, code


@pytest.fixture
def desk(conversations: Conversations) -> Resident:
    return Resident(conversations, "900", profile_name="Desk", language_code="en", channel="telegram")


@pytest.fixture
def dlh(conversations: Conversations) -> Resident:
    return Resident(conversations, "901", profile_name="Rina", language_code="en", channel="telegram")


@pytest.fixture
def pupr(conversations: Conversations) -> Resident:
    return Resident(conversations, "902", profile_name="Joko", language_code="en", channel="telegram")


async def test_a_new_complaint_alerts_the_desk_with_photo_and_buttons(
        conversations: Conversations, engine: Engine) -> None:
    _resident, code = await file_report(conversations)
    [alert] = outbox(engine, kind="new_complaint")
    assert (alert.chat_id, alert.complaint_id is not None) == (DESK, True)
    assert code in alert.text and "Sampah" in alert.text
    assert alert.photo_path and Path(alert.photo_path).is_file()  # noqa: ASYNC240
    assert [b["data"] for b in alert.buttons[0]] == [f"opv:{code}", f"opa:{code}"]


async def test_operator_commands_are_unknown_to_everyone_else(conversations: Conversations) -> None:
    resident, code = await file_report(conversations)
    for command in ("/antrian", f"/lihat {code}", f"/selesai {code} done", "/statistik"):
        await resident.say(command)
        assert "Saya tidak mengenal perintah itu" in resident.text or "tidak" in resident.text.lower()
        assert code not in resident.text


async def test_the_life_of_a_complaint_with_the_reporter_told_at_each_step(
        conversations: Conversations, engine: Engine, desk: Resident, dlh: Resident) -> None:
    resident, code = await file_report(conversations)
    await desk.say("/antrian")
    assert code in desk.text
    await desk.say(f"/lihat {code.lower()}")
    assert "openstreetmap.org/?mlat=-6.288400" in desk.text and "Budi Santoso" in desk.text
    assert desk.last[1].photo_path and Path(desk.last[1].photo_path).is_file()  # noqa: ASYNC240
    await desk.say(f"/verifikasi {code}")
    await desk.press(f"opv:{code}:DLH")
    assert "Verified and forwarded" in desk.text
    await dlh.say(f"/proses {code} Petugas dijadwalkan ke lokasi besok pagi.")
    await dlh.say(f"/selesai {code} Sampah sudah diangkut dan kali dibersihkan.")
    assert complaint(engine).status == "resolved"
    notes = [o.text for o in outbox(engine, kind="status")]
    assert len(notes) == 3 and all(o.chat_id == "100" for o in outbox(engine, kind="status"))
    assert "Terverifikasi" in notes[0] and "Dinas Lingkungan Hidup" in notes[0]
    assert "Petugas dijadwalkan" in notes[1] and "Sampah sudah diangkut" in notes[2]
    with Session(engine) as session:
        history = [(c.from_status, c.to_status, c.actor.split(":")[0]) for c in session.exec(
            select(StatusChange).order_by(col(StatusChange.id)))]
    assert history == [(None, "received", "reporter"), ("received", "verified", "operator"),
                       ("verified", "in_progress", "operator"), ("in_progress", "resolved", "operator")]
    await resident.say(f"/status {code}")
    assert "Sampah sudah diangkut" in resident.text


TRANSITIONS = [
    ("/selesai {code} selesai", "does not apply now"),          # received cannot be resolved yet
    ("/buka {code}", "does not apply now"),                     # nothing to reopen
    ("/proses {code}", "Usage: /proses"),                        # missing note
    ("/verifikasi {code} XYZ", "Unknown agency “XYZ”"),
    ("/lihat ADU-000000", "No complaint ADU-000000"),
    ("/kategori {code} weather", "Usage: /kategori"),
    ("/arsip", "Usage: /arsip"),
    ("/balas {code}", "Usage: /balas"),
    ("/statistik tomorrow", "Usage: /statistik"),
    ("/antrian sleeping", "Unknown status"),
]


@pytest.mark.parametrize(("command", "answer"), TRANSITIONS)
async def test_bad_operator_input_gets_a_usage_line(
        conversations: Conversations, desk: Resident, command: str, answer: str) -> None:
    _resident, code = await file_report(conversations)
    await desk.say(command.format(code=code))
    assert answer in desk.text


async def test_agencies_see_and_act_only_on_their_own(
        conversations: Conversations, desk: Resident, dlh: Resident, pupr: Resident) -> None:
    _resident, code = await file_report(conversations)
    await dlh.say(f"/lihat {code}")
    assert "No complaint" in dlh.text  # not forwarded yet
    await desk.say(f"/verifikasi {code} DLH")
    await pupr.say(f"/proses {code} kami tangani")
    assert "No complaint" in pupr.text
    await pupr.say("/antrian")
    assert code not in pupr.text
    await dlh.say("/antrian")
    assert code in dlh.text
    await dlh.say(f"/arsip {code} kurang")
    assert "Only the admin desk" in dlh.text


async def test_archive_reasons_and_reopen(
        conversations: Conversations, engine: Engine, desk: Resident) -> None:
    _resident, code = await file_report(conversations)
    await desk.say(f"/arsip {code}")
    await desk.press(f"opa:{code}:lacking_data")
    assert complaint(engine).status == "archived"
    await desk.say(f"/buka {code}")
    await desk.say(f"/arsip {code} duplikat adu-7k3m9q")  # no such complaint: nothing is archived
    assert "No complaint ADU-7K3M9Q" in desk.text and complaint(engine).status == "reopened"
    await desk.say(f"/arsip {code} duplikat {code}")
    assert "cannot be a duplicate of itself" in desk.text
    await desk.say(f"/arsip {code} bukan")
    with Session(engine) as session:
        notes = [c.note for c in session.exec(select(StatusChange).order_by(col(StatusChange.id)))]
    assert notes[1] == "Archived: the report lacks supporting data."
    assert notes[3] == "Archived: this is outside our authority."


async def test_needs_info_relays_the_answer_both_ways(
        conversations: Conversations, engine: Engine, desk: Resident, dlh: Resident) -> None:
    resident, code = await file_report(conversations)
    await desk.say(f"/verifikasi {code} DLH")
    await dlh.say(f"/butuhinfo {code} Di sisi kali sebelah mana tepatnya?")
    [asked] = [o for o in outbox(engine, kind="status") if "sebelah mana" in o.text]
    await resident.say("Di belakang masjid Al-Ikhlas, dekat jembatan kecil.")
    assert "diteruskan kepada petugas" in resident.text or code in resident.text
    [answer] = outbox(engine, kind="relay", chat_id="901")
    assert "Di belakang masjid" in answer.text and asked.chat_id == "100"
    await dlh.say(f"/balas {code} Terima kasih, tim berangkat hari ini.")
    [relayed] = outbox(engine, kind="relay", chat_id="100")
    assert "tim berangkat" in relayed.text
    with Session(engine) as session:
        kept = [(m.from_reporter, m.text[:9]) for m in session.exec(select(ComplaintMessage))]
    assert kept == [(True, "Di belakan"[:9]), (False, "Terima ka")]


async def test_anonymous_reports_hide_the_reporter_from_agencies(
        conversations: Conversations, desk: Resident, dlh: Resident) -> None:
    _resident, code = await file_report(conversations, privacy="anonymous")
    await desk.say(f"/verifikasi {code} DLH")
    await desk.say(f"/lihat {code}")
    assert "Budi Santoso" in desk.text
    await dlh.say(f"/lihat {code}")
    assert "Reporter: anonymous" in dlh.text and "Budi" not in dlh.text and "100" not in dlh.text


async def test_an_invite_makes_an_operator_once(conversations: Conversations, engine: Engine) -> None:
    with Session(engine) as session:
        code = create_invite(session, role=OperatorRole.ADMIN, agency_id=None, now=utcnow(),
                             valid_for=timedelta(hours=1))
        session.commit()
    newcomer = Resident(conversations, "903", profile_name="Sari", language_code="en", channel="telegram")
    await newcomer.say("/antrian")
    assert "do not know that command" in newcomer.text
    await newcomer.say(f"/join {code.lower()}")
    assert "you are now an operator" in newcomer.text
    await newcomer.say("/antrian")
    assert "queue is empty" in newcomer.text
    thief = Resident(conversations, "904", language_code="en", channel="telegram")
    await thief.say(f"/join {code}")
    assert "unknown, used or expired" in thief.text


async def test_statistics(conversations: Conversations, desk: Resident, dlh: Resident) -> None:
    _resident, code = await file_report(conversations)
    await desk.say(f"/verifikasi {code} DLH")
    await dlh.say(f"/selesai {code} Sudah dibersihkan.")
    await desk.say("/statistik semua")
    for figure in ("Received: 1", "Completed: 1 (100.0%)", "In process: 0", "Archived: 0", "DLH: 1",
                   "Median working days to resolution: 0"):
        assert figure in desk.text


async def test_residents_in_groups_are_ignored(conversations: Conversations) -> None:
    resident = Resident(conversations, "100", language_code="id")
    assert await resident.send(resident.message(text="Halo semua, ada yang tahu jalan ke kantor?",
                                                group=True)) == []


async def test_the_queue_shows_age_in_working_days_and_flags_deadlines(
        engine: Engine, tmp_path: Path) -> None:
    now = [datetime(2026, 11, 23, 3, 0, tzinfo=UTC)]  # Monday 10:00 WIB: the report is filed
    conversations = Conversations(engine=engine, config=FlowConfig(operator_chat_id=DESK),
                                  media=MediaStore(tmp_path / "m"), clock=lambda: now[0])
    with Session(engine) as session:
        add_operator(session, external_id="900", name="Desk", role=OperatorRole.ADMIN, agency_id=None,
                     now=utcnow())
        session.commit()
    _resident, code = await file_report(conversations)
    desk = Resident(conversations, "900", language_code="en", channel="telegram")
    now[0] = datetime(2026, 11, 26, 3, 0, tzinfo=UTC)   # Thursday: last day of the 3 working days
    await desk.say("/antrian")
    assert f"{code} · Received, waiting for verification · Waste · 3 working days · ⏰ due" in desk.text
    now[0] = datetime(2026, 11, 30, 3, 0, tzinfo=UTC)   # next Monday: past the deadline
    await desk.say("/antrian")
    assert "5 working days · ⚠️ overdue since Thursday, 26 November 2026" in desk.text
