"""The whole life of a complaint over Telegram: filed, verified, asked, answered, resolved, rated.

Operators and the reporter talk through the real driver; every notification goes through the outbox
and the real dispatcher to the simulator.
"""

from __future__ import annotations

from datetime import time

from live_telegram import LiveTelegram, file_report
from sqlmodel import Session, col, select

from handlers.turn import FlowConfig
from helpers import jpeg
from storage.models import ComplaintMessage, OperatorRole, StatusChange, utcnow
from storage.operators import add_agency, add_operator

DESK = -1001234567890
DESCRIPTION = "Jembatan kayu di Gang Mawar patah sebagian, anak-anak sekolah terpaksa memutar jauh."


def staff(live: LiveTelegram) -> None:
    with Session(live.engine) as session:
        pupr = add_agency(session, code="PUPR", name="Dinas Pekerjaan Umum", now=utcnow())
        dlh = add_agency(session, code="DLH", name="Dinas Lingkungan Hidup", now=utcnow())
        add_operator(session, external_id="900", name="Desk", role=OperatorRole.ADMIN, agency_id=None,
                     now=utcnow())
        add_operator(session, external_id="901", name="Bayu PUPR", role=OperatorRole.AGENCY,
                     agency_id=pupr.id, now=utcnow())
        add_operator(session, external_id="902", name="Dewi DLH", role=OperatorRole.AGENCY,
                     agency_id=dlh.id, now=utcnow())
        session.commit()


async def test_a_complaint_from_filing_to_rating(live: LiveTelegram) -> None:
    await live.stop()
    live.config = FlowConfig(operator_chat_id=str(DESK), quiet_hours=(time(0), time(0)))
    await live.start()
    staff(live)
    resident = live.sim.user(700, first_name="Sari", language_code="id")
    desk = live.sim.user(900, first_name="Desk", language_code="en")
    pupr = live.sim.user(901, first_name="Bayu", language_code="en")
    dlh = live.sim.user(902, first_name="Dewi", language_code="en")
    code = await file_report(resident, DESCRIPTION, jpeg())

    # The desk's group gets the alert with the photo and one-tap buttons.
    await live.deliver()
    [alert] = await live.sim.messages_in(DESK)
    assert alert.method == "sendPhoto" and code in (alert.text or "")
    await desk.press(f"opv:{code}", chat_id=DESK)
    await live.sim.messages_in(DESK, 2)
    await desk.press("PUPR", chat_id=DESK)
    assert "Verified and forwarded" in ((await live.sim.messages_in(DESK, 3))[-1].text or "")

    # The reporter is told, in Indonesian, where it went.
    await live.deliver()
    [forwarded] = await resident.replies()
    assert code in (forwarded.text or "") and "Dinas Pekerjaan Umum" in (forwarded.text or "")

    # Permissions and the state machine.
    await dlh.send_text(f"/proses {code} kami cek")
    assert "No complaint" in ((await dlh.replies())[0].text or "")
    await resident.send_text(f"/selesai {code} beres")
    assert "tidak mengenal perintah" in ((await resident.replies())[0].text or "")
    await pupr.send_text(f"/buka {code}")
    assert "Only the admin desk" in ((await pupr.replies())[0].text or "")
    await desk.send_text(f"/buka {code}")
    assert "does not apply now" in ((await desk.replies())[0].text or "")

    # Asking for information; the answer comes back to the agency; a reply goes back to the reporter.
    await pupr.send_text(f"/butuhinfo {code} Apakah jembatan masih bisa dilewati motor?")
    await pupr.replies()
    await live.deliver()
    [question] = await resident.replies()
    assert "masih bisa dilewati motor" in (question.text or "")
    await resident.send_text("Tidak bisa, hanya pejalan kaki yang berani lewat.")
    assert code in ((await resident.replies())[0].text or "")
    await live.deliver()
    [answer] = await pupr.replies()
    assert "hanya pejalan kaki" in (answer.text or "")
    await pupr.send_text(f"/balas {code} Terima kasih, tim kami datang Senin.")
    await pupr.replies()
    await live.deliver()
    [relayed] = await resident.replies()
    assert "tim kami datang Senin" in (relayed.text or "")

    # While in progress, answering (replying to) the officer's message also reaches the agency.
    await pupr.send_text(f"/proses {code} Perbaikan dimulai.")
    await pupr.replies()
    await pupr.send_text(f"/balas {code} Mohon jauhkan anak-anak dari jembatan.")
    await pupr.replies()
    await live.deliver()
    progress, request = await resident.replies(2)
    assert "Perbaikan dimulai" in (progress.text or "") and "jauhkan anak-anak" in (request.text or "")
    await resident.send_text("Baik, sudah kami pasangi tali pembatas.", reply_to=request.message_id)
    await resident.replies()
    await live.deliver()
    [reply] = await pupr.replies()
    assert "tali pembatas" in (reply.text or "")

    # Resolved, confirmed fixed, rated.
    await pupr.send_text(f"/selesai {code} Jembatan sudah diganti dengan rangka baja.")
    await pupr.replies()
    await live.deliver()
    [resolved] = await resident.replies()
    assert "rangka baja" in (resolved.text or "")
    await resident.press(f"fixed:{code}:yes")
    await resident.replies()
    await resident.press(f"rate:{code}:5")
    assert "5" in ((await resident.replies())[0].text or "")

    [complaint] = live.complaints()
    assert (complaint.status, complaint.rating, complaint.fixed_confirmed) == ("closed", 5, True)
    with Session(live.engine) as session:
        history = [c.to_status for c in session.exec(select(StatusChange).order_by(col(StatusChange.id)))]
        messages = [m.from_reporter for m in session.exec(select(ComplaintMessage))]
    # The answer took it back from needs_info to where it was.
    assert history == ["received", "verified", "needs_info", "verified", "in_progress", "resolved", "closed"]
    assert messages == [True, False, False, True]
