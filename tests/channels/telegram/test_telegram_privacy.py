"""A resident's data rights through the real Telegram drivers: see it all, then erase it all."""

from __future__ import annotations

import json
import re

from live_telegram import LiveTelegram, agree
from privacy_helpers import files_under, traces
from sqlmodel import Session, col, select

from bot.simulator.user import SimUser
from handlers.turn import FlowConfig
from helpers import jpeg
from storage.models import Complaint, ComplaintMessage, OperatorRole, Photo, Reporter, StatusChange, utcnow
from storage.operators import add_operator
from storage.privacy_records import AccessRecord, Erasure

DESK_GROUP = -1001234567890
RESIDENT = 777123456
NAME = "Wulandari"
ADDRESS = "Jl. Cempaka Putih 17"
DESCRIPTION = "Lampu jalan mati di depan rumah Wulandari, gang gelap dan rawan sejak seminggu."
ANSWER = "Rumah saya nomor 17, pagar hijau, Jl. Cempaka Putih."


async def report(user: SimUser, description: str, *, address: str) -> str:
    """A complete report with a venue pin (its address is the report's); returns the code."""
    await agree(user)
    await user.send_photo(jpeg(), caption=description)
    await user.replies()
    await user.send_venue(-6.28843, 106.71791, "Taman Kota", address)
    await user.replies()
    await user.press("name:profile")
    await user.replies()
    await user.press("submit")
    [done] = await user.replies()
    found = re.search(r"[A-Z]{2,8}-[0-9A-Z]{6}", done.text or "")
    assert found, done.text
    return found.group(0)


async def with_desk(live: LiveTelegram) -> SimUser:
    """Restart the driver with an admin desk group, and register its operator."""
    await live.stop()
    live.config = FlowConfig(operator_chat_id=str(DESK_GROUP))
    await live.start()
    with Session(live.engine) as session:
        add_operator(session, external_id="900", name="Desk", role=OperatorRole.ADMIN, agency_id=None,
                     now=utcnow())
        session.commit()
    return live.sim.user(900, first_name="Desk", language_code="en")


def document_of(live: LiveTelegram, chat_id: int) -> dict[str, object]:
    """The JSON document the bot last sent to a chat, read from the simulator's file store."""
    [sent] = [m for m in live.sim.sent if m.chat_id == chat_id and m.method == "sendDocument"][-1:]
    file_id = sent.message["document"]["file_id"]
    assert sent.message["document"]["file_name"].endswith(".json")
    data: dict[str, object] = json.loads(live.sim.chats.files[file_id].data)
    return data


async def test_my_data_shows_exactly_what_is_stored_and_nothing_of_another_resident(
    live: LiveTelegram,
) -> None:
    resident = live.sim.user(RESIDENT, first_name=NAME, language_code="en")
    code = await report(resident, DESCRIPTION, address=ADDRESS)
    other = live.sim.user(777999001, first_name="Joko", language_code="id")
    other_code = await report(other, "Sampah menumpuk di pinggir jalan, seminggu belum diangkut.",
                              address="Jl. Mawar 3")
    await resident.send_text("/mydata")
    readable, document = await resident.replies(2)
    assert document.method == "sendDocument" and "JSON" in (document.text or "")
    data = document_of(live, RESIDENT)
    with Session(live.engine) as session:
        complaint = session.exec(select(Complaint).where(Complaint.code == code)).one()
        reporter = session.get(Reporter, complaint.reporter_id)
        photos = session.exec(select(Photo).where(Photo.complaint_id == complaint.id)).all()
        history = session.exec(select(StatusChange).where(StatusChange.complaint_id == complaint.id)
                               .order_by(col(StatusChange.id))).all()
    assert reporter is not None
    profile = data["profile"]
    assert isinstance(profile, dict)
    assert (profile["account_id"], profile["chat_id"], profile["name_as_given"], profile["language"]) == (
        reporter.external_id, reporter.chat_id, reporter.profile_name, reporter.locale)
    assert profile["consent_given_at"] == reporter.consent_at.isoformat()  # type: ignore[union-attr]
    [stored] = data["reports"]  # type: ignore[misc]
    fields = ("code", "status", "name", "address", "latitude", "longitude", "description", "category",
              "privacy")
    assert {k: stored[k] for k in fields} == {k: getattr(complaint, k) for k in fields}
    assert stored["photos"] == len(photos) == 1
    assert [h["to"] for h in stored["history"]] == [h.to_status for h in history]
    text = readable.text or ""
    for shown in (code, NAME, "Taman Kota, " + ADDRESS, "Lampu jalan mati", "Photos: 1"):
        assert shown in text
    for foreign in (other_code, "Joko", "Mawar", "Sampah"):
        assert foreign not in text and foreign not in json.dumps(data)


async def test_erasure_leaves_no_trace_but_keeps_the_complaint_for_statistics(live: LiveTelegram) -> None:
    desk = await with_desk(live)
    media = live.media_dir
    resident = live.sim.user(RESIDENT, first_name=NAME, language_code="en")
    code = await report(resident, DESCRIPTION, address=ADDRESS)
    other = live.sim.user(777999001, first_name="Joko", language_code="en")
    other_code = await report(other, "Sampah menumpuk di pinggir jalan, seminggu belum diangkut.",
                              address="Jl. Mawar 3")
    before = files_under(media)
    await desk.send_text(f"/butuhinfo {code} Nomor rumahnya berapa?")
    await desk.replies()
    await live.deliver()
    await resident.replies()  # the question
    await resident.send_text(ANSWER)
    await resident.replies()
    await live.deliver()  # the answer relayed to the desk
    [relayed] = await desk.replies()
    assert ANSWER in (relayed.text or "")
    with Session(live.engine) as session:
        assert session.exec(select(ComplaintMessage).where(ComplaintMessage.text == ANSWER)).first()
    assert traces(live.engine, texts=[NAME, "Cempaka Putih"], ids=[str(RESIDENT)])

    await resident.send_text("/deletedata")
    [ask] = await resident.replies()
    for promised in ("1 report,", "1 photo,", "1 message exchanged", "rounded to about 1 km", code,
                     "no more updates", "cannot be undone"):
        assert promised in (ask.text or "")
    await resident.press("erase:yes")
    [done] = await resident.replies()
    assert "erased" in (done.text or "") and code in (done.text or "")

    assert traces(live.engine, texts=[NAME, "Cempaka Putih", "pagar hijau"], ids=[str(RESIDENT)]) == []
    left = files_under(media)
    assert len(before - left) == 1 and len(left) == 1  # the resident's photo is gone, Joko's is not
    with Session(live.engine) as session:
        complaint = session.exec(select(Complaint).where(Complaint.code == code)).one()
        [erasure] = session.exec(select(Erasure)).all()
    # The answer took it back from needs_info to where it was (issue 11).
    assert (complaint.status, complaint.category, complaint.latitude, complaint.longitude) == (
        "received", "street_lighting", -6.29, 106.72)
    assert (erasure.reason, erasure.complaint_codes, erasure.photos_deleted) == ("request", [code], 1)

    await other.send_text(f"/status {code}")
    [theirs] = await other.replies()
    assert "Received, waiting" in (theirs.text or "") and "Other details" in (theirs.text or "")
    await desk.send_text("/stats all")
    [stats] = await desk.replies()
    assert "Received: 2" in (stats.text or "")
    await desk.send_text(f"/show {code}")
    [shown] = await desk.replies()
    assert "erased their personal data" in (shown.text or "") and NAME not in (shown.text or "")
    await live.deliver()
    told = [m.text or "" for m in await live.sim.messages_in(DESK_GROUP, 1)]
    # The desk reads the default language, Indonesian.
    assert any(code in t and "menghapus data pribadinya" in t for t in told), told
    assert other_code != code

    await resident.send_text("/start")  # the same chat is a new resident: the notice again
    [notice] = await resident.replies()
    assert "UU PDP" in (notice.text or "") and "/hapusdata" in (notice.text or "")
    with Session(live.engine) as session:
        fresh = session.exec(select(Reporter).where(Reporter.external_id == str(RESIDENT))).one()
        records = session.exec(select(AccessRecord).where(AccessRecord.complaint_id == complaint.id)).all()
    assert fresh.consent_at is None and fresh.id != complaint.reporter_id
    assert {r.action for r in records} >= {"alert", "relay", "show"}


async def test_a_stale_confirmation_button_does_not_erase(live: LiveTelegram) -> None:
    resident = live.sim.user(RESIDENT, first_name=NAME, language_code="en")
    await agree(resident)
    await resident.send_text("/deletedata")
    await resident.replies()
    await resident.press("erase:no")
    [kept] = await resident.replies()
    assert "Nothing was erased" in (kept.text or "")
    await resident.press("erase:yes")  # the old keyboard is still there: it asks again instead
    [again] = await resident.replies()
    assert "Erase your personal data?" in (again.text or "")
    assert traces(live.engine, ids=[str(RESIDENT)])


async def test_correcting_a_report_and_withdrawing_consent_over_telegram(live: LiveTelegram) -> None:
    resident = live.sim.user(RESIDENT, first_name=NAME, language_code="id")
    code = await report(resident, DESCRIPTION, address=ADDRESS)
    await resident.send_text(f"/ubah {code}")
    [which] = await resident.replies()
    assert ADDRESS in (which.text or "")
    await resident.press(f"fix:{code}:address")
    [question] = await resident.replies()
    assert "alamat yang benar" in (question.text or "")
    await resident.send_text("Jl. Cempaka Putih Timur 19, RT 03/RW 04")
    [done] = await resident.replies()
    assert "Jl. Cempaka Putih Timur 19" in (done.text or "")
    await resident.send_text("/tarikpersetujuan")
    [withdrawn] = await resident.replies()
    assert "Persetujuan Anda telah ditarik" in (withdrawn.text or "")
    await resident.press("erase:ask")
    [ask] = await resident.replies()
    assert "Hapus data pribadi Anda?" in (ask.text or "")
    with Session(live.engine) as session:
        complaint = session.exec(select(Complaint).where(Complaint.code == code)).one()
        reporter = session.get(Reporter, complaint.reporter_id)
        history = session.exec(select(StatusChange).where(StatusChange.complaint_id == complaint.id)).all()
    assert complaint.address == "Jl. Cempaka Putih Timur 19, RT 03/RW 04"
    assert any(f"sebelumnya: Taman Kota, {ADDRESS}" in (h.note or "") for h in history)
    assert reporter is not None and reporter.consent_at is None and reporter.opted_out_at is not None
