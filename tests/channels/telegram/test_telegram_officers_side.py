"""Issue 11, the officers' side over Telegram (both drivers): answers, /lihat, statuses, figures, help."""

from __future__ import annotations

import asyncio
import json
from datetime import timedelta

from live_telegram import LiveTelegram, file_report
from live_whatsapp import LiveWhatsApp
from sqlmodel import Session, col, select

from helpers import jpeg
from storage.models import Complaint, OperatorRole, StatusChange, utcnow
from storage.operators import add_agency, add_operator, create_invite, remove_operator

DESCRIPTION = "Lampu jalan di gang Melati mati sejak seminggu, gelap dan rawan."


def staff(live: LiveTelegram) -> None:
    with Session(live.engine) as session:
        add_agency(session, code="DISHUB", name="Dinas Perhubungan", now=utcnow())
        add_operator(session, external_id="900", name="Budi", role=OperatorRole.ADMIN, agency_id=None,
                     now=utcnow())
        session.commit()


async def test_1_an_answer_reaches_the_asker_when_the_agency_has_nobody(live: LiveTelegram) -> None:
    staff(live)
    resident = live.sim.user(1201, first_name="Siti", language_code="id")
    code = await file_report(resident, DESCRIPTION, jpeg())
    desk = live.sim.user(900, first_name="Budi", language_code="id")
    await desk.send_text(f"/verifikasi {code} DISHUB")
    await desk.replies()
    await desk.send_text(f"/butuhinfo {code} Di nomor rumah berapa tepatnya?")
    await desk.replies()
    await live.deliver()
    await resident.replies(2)  # verified, then the question
    await resident.send_text("Depan rumah nomor 12, dekat pos ronda.")
    [told] = await resident.replies()
    assert "sudah diteruskan" in (told.text or "") and "kembali berstatus" in (told.text or "")
    await live.deliver()
    [relayed] = await desk.replies()
    assert "nomor 12" in (relayed.text or "") and "kembali berstatus" in (relayed.text or "")
    with Session(live.engine) as session:
        complaint = session.exec(select(Complaint)).one()
        history = [c.to_status for c in session.exec(select(StatusChange).order_by(col(StatusChange.id)))]
    assert complaint.status == "verified"
    assert history == ["received", "verified", "needs_info", "verified"]


async def test_1_nobody_to_reach_means_the_resident_is_not_told_it_was_passed_on(live: LiveTelegram) -> None:
    staff(live)
    resident = live.sim.user(1211, first_name="Siti", language_code="en")
    code = await file_report(resident, DESCRIPTION, jpeg())
    desk = live.sim.user(900, first_name="Budi", language_code="en")
    await desk.send_text(f"/butuhinfo {code} Which house number?")
    await desk.replies()
    with Session(live.engine) as session:  # the asker leaves and nobody else holds it
        remove_operator(session, external_id="900")
        session.commit()
    await live.deliver()
    await resident.replies()
    await resident.send_text("Number 12, next to the guard post.")
    [told] = await resident.replies()
    assert "kept with report" in (told.text or "") and "passed" not in (told.text or "")


async def test_16_17_19_show_statuses_help_and_menus(live: LiveTelegram) -> None:
    staff(live)
    await live.stop()
    await live.start()  # the driver publishes every operator's menu when it starts
    code = await file_report(live.sim.user(1216, first_name="Siti", language_code="id"), DESCRIPTION, jpeg())
    desk = live.sim.user(900, first_name="Budi", language_code="id")
    await desk.send_text(f"/verifikasi {code} DISHUB Mohon dicek")
    await desk.replies()
    await desk.send_text(f"/lihat {code}")
    shown, _photo = await desk.replies(2)
    text = shown.text or ""
    assert "(pelapor)" in text and "(Desk · Budi)" in text and "reporter:" not in text
    assert "operator:" not in text and text.count("1216") == 1 and "Telegram id 1216" in text
    await desk.send_text("/antrian diverifikasi")
    [queue] = await desk.replies()
    assert code in (queue.text or "")
    await desk.send_text("/antrian semua")
    [everything] = await desk.replies()
    assert code in (everything.text or "")
    await desk.send_text("/antrian verified")  # the English word is an alias
    [alias] = await desk.replies()
    assert code in (alias.text or "")
    await desk.send_text("/antrian rusak")
    [unknown] = await desk.replies()
    assert "diterima, diverifikasi, diproses, butuhinfo, selesai, arsip" in (unknown.text or "")
    assert "needs_info" not in (unknown.text or "")
    await desk.send_text("/bantuan")
    [help_text] = await desk.replies()
    assert "/butuhinfo" in (help_text.text or "") and "/statistik" in (help_text.text or "")
    scope = json.dumps({"chat_id": 900, "type": "chat"}, sort_keys=True)
    menu = [c["command"] for c in live.sim.commands[(scope, "")]]
    assert "antrian" in menu and "butuhinfo" in menu
    everyone = json.dumps({"type": "all_private_chats"}, sort_keys=True)
    assert "antrian" not in [c["command"] for c in live.sim.commands[(everyone, "")]]
    with Session(live.engine) as session:
        remove_operator(session, external_id="900")
        session.commit()
    await live.stop()
    await live.start()  # a former operator's menu is taken away
    assert (scope, "") not in live.sim.commands


async def test_18_statistics_in_the_operators_words(live: LiveTelegram) -> None:
    staff(live)
    resident = live.sim.user(1218, first_name="Siti", language_code="id")
    await file_report(resident, DESCRIPTION, jpeg())
    with Session(live.engine) as session:
        complaint = session.exec(select(Complaint)).one()
        complaint.rating, complaint.status = 4, "closed"
        session.add(complaint)
        session.commit()
    desk = live.sim.user(900, first_name="Budi", language_code="id")
    await desk.send_text("/statistik semua")
    [figures] = await desk.replies()
    text = figures.text or ""
    assert "• belum diteruskan: 1" in text and "• -: 1" not in text
    assert "Selesai: 1 (100,0%)" in text
    assert "Rata-rata penilaian: 4 dari 5 (1 penilaian)" in text and "Lewat tenggat saat ini: 0" in text


async def test_16_a_whatsapp_reporter_shows_the_number_once(
        live: LiveTelegram, whatsapp: LiveWhatsApp) -> None:
    staff(live)
    await whatsapp.say("LAPOR")
    await whatsapp.say("YA")
    await whatsapp.photo(jpeg(), caption=DESCRIPTION)
    await whatsapp.pin(-6.2, 106.8)
    await whatsapp.say("Siti Aminah")
    await whatsapp.say("KIRIM")
    with Session(live.engine) as session:
        code = session.exec(select(Complaint)).one().code
    desk = live.sim.user(900, first_name="Budi", language_code="id")
    await desk.send_text(f"/lihat {code}")
    [shown] = await desk.replies()  # (its photo lives in the WhatsApp fixture's own media folder)
    text = shown.text or ""
    assert "Pelapor: Siti Aminah (WhatsApp +6281234567890)" in text
    assert text.count("6281234567890") == 1 and "whatsapp:" not in text


async def test_7_19_additions_reach_the_desk_and_join_brings_the_menu(live: LiveTelegram) -> None:
    staff(live)
    resident = live.sim.user(1219, first_name="Siti", language_code="id")
    code = await file_report(resident, DESCRIPTION, jpeg())
    await resident.send_photo(jpeg(color=(1, 200, 1)), caption="Sekarang tiangnya juga miring ke jalan.")
    await resident.replies()
    await resident.press(f"add:{code}")
    [added] = await resident.replies()
    assert "Petugas yang menanganinya sudah diberi tahu" in (added.text or "")
    await live.deliver()
    desk = live.sim.user(900, first_name="Budi", language_code="id")
    text, photo = await desk.replies(2)
    assert "tiangnya juga miring" in (text.text or "") and code in (text.text or "")
    assert photo.method == "sendPhoto"
    await desk.send_text(f"/lihat {code}")
    shown, *photos = await desk.replies(3)
    kept = "Informasi tambahan dari pelapor: Sekarang tiangnya juga miring ke jalan. · 1 foto"
    assert kept in (shown.text or "")
    assert len(photos) == 2 and (photos[1].text or "").endswith("2/2")
    with Session(live.engine) as session:
        invite = create_invite(session, role=OperatorRole.ADMIN, agency_id=None, now=utcnow(),
                               valid_for=timedelta(hours=1))
        session.commit()
    newcomer = live.sim.user(950, first_name="Sari", language_code="id")
    await newcomer.send_text(f"/join {invite}")
    await newcomer.replies()
    scope = json.dumps({"chat_id": 950, "type": "chat"}, sort_keys=True)
    for _wait in range(50):  # the menu is published right after the welcome is sent
        if (scope, "") in live.sim.commands:
            break
        await asyncio.sleep(0.05)
    assert "butuhinfo" in [c["command"] for c in live.sim.commands[(scope, "")]]
