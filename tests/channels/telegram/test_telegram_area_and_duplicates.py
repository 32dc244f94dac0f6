"""Before the summary, over the real Telegram drivers: a pin outside the area, and the same problem nearby."""

from __future__ import annotations

import re
from datetime import time
from pathlib import Path

from geo_fixtures import EAST, NEIGHBOUR, NEIGHBOUR_CHANNEL, NEIGHBOUR_NAME, NOWHERE, WEST, city
from live_telegram import LiveTelegram, agree
from privacy_helpers import files_under, traces
from sqlmodel import Session, select
from storage_exif import gps_exif

from bot.simulator.chats import SentMessage
from bot.simulator.user import SimUser
from handlers.turn import FlowConfig
from helpers import jpeg
from storage.models import Complaint, OperatorRole, utcnow
from storage.models_desk import ComplaintFollower, SupportingReport
from storage.operators import add_agency, add_operator

DESK = -1001234567890
LAMP = "Lampu jalan di depan musala mati sejak seminggu, gelap sekali kalau malam."
LAMP_AGAIN = "Lampu penerangan jalan dekat musala padam, jalan gelap dan rawan."


async def restart(live: LiveTelegram, tmp_path: Path) -> None:
    await live.stop()
    live.config = FlowConfig(operator_chat_id=str(DESK), quiet_hours=(time(0), time(0)),
                             geography=city(tmp_path / "city"))
    await live.start()
    with Session(live.engine) as session:
        dishub = add_agency(session, code="DISHUB", name="Dinas Perhubungan", now=utcnow(),
                            categories=["street_lighting"])
        pupr = add_agency(session, code="PUPR", name="Dinas PUPR", now=utcnow(), categories=["roads"])
        add_operator(session, external_id="900", name="Desk", role=OperatorRole.ADMIN, agency_id=None,
                     now=utcnow())
        add_operator(session, external_id="901", name="Bayu Dishub", role=OperatorRole.AGENCY,
                     agency_id=dishub.id, now=utcnow())
        add_operator(session, external_id="902", name="Dewi PUPR", role=OperatorRole.AGENCY,
                     agency_id=pupr.id, now=utcnow())
        session.commit()


async def choices(user: SimUser) -> SentMessage:
    """The next message with buttons (a "noted" that takes the location keyboard away may come first)."""
    while True:
        [message] = await user.replies()
        if (message.reply_markup or {}).get("inline_keyboard"):
            return message


async def until_name(user: SimUser, description: str, point: tuple[float, float]) -> str:
    """Photo with caption and a pin; the text of the answer to the pin."""
    await agree(user)
    await user.send_photo(jpeg(), caption=description)
    await user.replies()
    await user.send_location(*point)
    return (await choices(user)).text or ""


async def file_at(user: SimUser, description: str, point: tuple[float, float],
                  privacy: str | None = None) -> str:
    """A whole report at `point`; its code."""
    await until_name(user, description, point)
    await user.press("name:profile")
    await user.replies()
    if privacy:
        await user.press("edit:privacy")
        await user.replies()
        await user.press(f"priv:{privacy}")
        await user.replies()
    await user.press("submit")
    [done] = await user.replies()
    found = re.search(r"ADU-[0-9A-Z]{6}", done.text or "")
    assert found, done.text
    return found.group(0)


def complaint(live: LiveTelegram, code: str) -> Complaint:
    with Session(live.engine) as session:
        return session.exec(select(Complaint).where(Complaint.code == code)).one()


async def test_a_pin_outside_is_pointed_out_then_a_pin_inside_fills_the_kelurahan(
        live: LiveTelegram, tmp_path: Path) -> None:
    await restart(live, tmp_path)
    user = live.sim.user(610, first_name="Sari", language_code="en")
    await agree(user)
    await user.send_photo(jpeg(), caption=LAMP)
    await user.replies()
    await user.send_text("Sari Wulandari")
    await user.replies()
    await user.send_location(*NEIGHBOUR)
    told = await choices(user)
    assert "outside the area this service covers" in (told.text or "")
    assert NEIGHBOUR_NAME in (told.text or "") and NEIGHBOUR_CHANNEL in (told.text or "")
    assert "Please check your report" not in (told.text or "")  # told before the summary
    await user.press("area:relocate")
    asked, keep = await user.replies(2)  # the question (location keyboard), then "keep as it is"
    assert "Where is the problem" in (asked.text or "") and "keep" in (keep.text or "")
    await user.send_location(*EAST)
    summary = await choices(user)
    assert "Please check your report" in (summary.text or "")
    assert "Kelurahan Sukasari, Kecamatan Kota Timur" in (summary.text or "")
    await user.press("submit")
    await user.replies()
    [filed] = live.complaints()
    assert (filed.kelurahan, filed.kecamatan, filed.outside_area, filed.latitude) == (
        "Sukasari", "Kota Timur", False, EAST[0])


async def test_filed_anyway_the_complaint_is_flagged_for_the_desk(live: LiveTelegram, tmp_path: Path) -> None:
    await restart(live, tmp_path)
    user = live.sim.user(611, first_name="Sari", language_code="en")
    told = await until_name(user, LAMP, NOWHERE)
    assert "outside the area" in told and "Tetangga" not in told  # no neighbour known there
    await user.press("area:anyway")
    [asked] = await user.replies()
    assert "What is your name" in (asked.text or "")
    await user.press("name:profile")
    [summary] = await user.replies()
    assert "Outside the area this service covers" in (summary.text or "")
    await user.press("submit")
    await user.replies()
    [filed] = live.complaints()
    assert filed.outside_area and filed.kelurahan is None
    await live.deliver()
    [alert] = await live.sim.messages_in(DESK)
    assert "di luar wilayah" in (alert.text or "") and filed.code in (alert.text or "")  # the desk's language
    desk = live.sim.user(900, first_name="Desk", language_code="en")
    await desk.send_text("/antrian")
    [queue] = await desk.replies()
    assert filed.code in (queue.text or "") and "🚩 outside the area" in (queue.text or "")


async def test_a_photo_position_outside_is_pointed_out(live: LiveTelegram, tmp_path: Path) -> None:
    await restart(live, tmp_path)
    user = live.sim.user(612, first_name="Sari", language_code="en")
    await agree(user)
    await user.send_text("Sari Wulandari")
    await user.replies()
    await user.send_document(jpeg(exif=gps_exif(*NEIGHBOUR)), "lampu.jpg", "image/jpeg", caption=LAMP)
    told = await choices(user)
    assert "The position in your photo is outside the area" in (told.text or "")
    assert NEIGHBOUR_NAME in (told.text or "")


async def test_a_second_resident_follows_the_open_complaint_and_hears_its_resolution(
        live: LiveTelegram, tmp_path: Path) -> None:
    await restart(live, tmp_path)
    first = live.sim.user(620, first_name="Sari", language_code="id")
    code = await file_at(first, LAMP, WEST)
    desk = live.sim.user(900, first_name="Desk", language_code="en")
    await desk.send_text(f"/verifikasi {code}")  # exactly one agency handles street lighting: forwarded
    [forwarded] = await desk.replies()
    assert "Verified and forwarded" in (forwarded.text or "")
    assert complaint(live, code).agency_id is not None

    second = live.sim.user(621, first_name="Joko", language_code="id")
    offer = await until_name(second, LAMP_AGAIN, (WEST[0] + 0.0005, WEST[1]))  # about 55 m away
    assert re.search(rf"{code} · Lampu jalan di depan musala mati sejak… · [56]0 m · "
                     r"diteruskan ke Dinas Perhubungan, \d+ \w+ yang lalu", offer), offer
    assert "Sari" not in offer  # never who reported
    await second.press(f"dup:follow:{code}")
    [following] = await second.replies()
    assert code in (following.text or "") and not live.complaints()[1:]  # nothing new filed
    await second.send_text("/status")
    [mine] = await second.replies()
    assert "Laporan yang Anda ikuti" in (mine.text or "") and code in (mine.text or "")
    with Session(live.engine) as session:
        [follower] = session.exec(select(ComplaintFollower)).all()
        [support] = session.exec(select(SupportingReport)).all()
    assert (support.description, len(support.photos), support.name) == (LAMP_AGAIN, 1, "Joko")
    assert complaint(live, code).reporters_count == 2
    assert (live.media_dir / support.photos[0]["path"]).exists()  # the photo is kept for the officers

    dishub = live.sim.user(901, first_name="Bayu", language_code="en")
    await dishub.send_text(f"/lihat {code}")
    shown = await dishub.replies(3)
    assert "Reported by 2 residents" in (shown[0].text or "") and LAMP_AGAIN in (shown[0].text or "")
    assert "Joko" not in (shown[0].text or "")  # an agency sees no follower's name
    assert shown[2].method == "sendPhoto" and "supporting report 1" in (shown[2].text or "")
    await dishub.send_text("/antrian")
    [queue] = await dishub.replies()
    assert "reported by 2 residents" in (queue.text or "")

    await dishub.send_text(f"/selesai {code} Lampu sudah diganti.")
    await dishub.replies()
    await live.deliver()
    [resolved] = await second.replies()
    assert code in (resolved.text or "") and "Lampu sudah diganti" in (resolved.text or "")
    assert not (resolved.reply_markup or {}).get("inline_keyboard")  # "is it fixed?" is the reporter's
    forwarded_notice, own = await first.replies(2)
    assert "Dinas Perhubungan" in (forwarded_notice.text or "")
    assert "Lampu sudah diganti" in (own.text or "") and (own.reply_markup or {}).get("inline_keyboard")
    assert follower.reporter_id != complaint(live, code).reporter_id


async def test_a_confidential_complaint_nearby_is_never_offered(live: LiveTelegram, tmp_path: Path) -> None:
    await restart(live, tmp_path)
    secret = await file_at(live.sim.user(630, first_name="Sari", language_code="en"), LAMP, WEST,
                           privacy="confidential")
    second = live.sim.user(631, first_name="Joko", language_code="en")
    answer = await until_name(second, LAMP_AGAIN, WEST)
    assert secret not in answer and "reported already" not in answer
    assert "What is your name" in answer


async def test_an_agency_never_sees_another_agencys_complaint_among_the_nearby(
        live: LiveTelegram, tmp_path: Path) -> None:
    await restart(live, tmp_path)
    first = await file_at(live.sim.user(640, first_name="Sari", language_code="en"), LAMP, WEST)
    second = live.sim.user(641, first_name="Joko", language_code="en")
    await until_name(second, LAMP_AGAIN, WEST)
    await second.press("dup:continue")
    [asked] = await second.replies()
    assert "What is your name" in (asked.text or "")
    await second.press("name:profile")
    await second.replies()
    await second.press("submit")
    [done] = await second.replies()
    other = re.search(r"ADU-[0-9A-Z]{6}", done.text or "")
    assert other
    desk = live.sim.user(900, first_name="Desk", language_code="en")
    await desk.send_text(f"/verifikasi {first} DISHUB")
    await desk.send_text(f"/verifikasi {other.group(0)} PUPR")
    await desk.replies(2)
    await desk.send_text(f"/lihat {other.group(0)}")
    [admin_view, *_photos] = await desk.replies(2)
    assert first in (admin_view.text or "") and "Possibly the same problem" in (admin_view.text or "")
    pupr = live.sim.user(902, first_name="Dewi", language_code="en")
    await pupr.send_text(f"/lihat {other.group(0)}")
    [agency_view, *_photos] = await pupr.replies(2)
    assert first not in (agency_view.text or "")


async def test_a_follower_who_erases_their_data_leaves_no_trace_on_the_complaint_followed(
        live: LiveTelegram, tmp_path: Path) -> None:
    await restart(live, tmp_path)
    code = await file_at(live.sim.user(650, first_name="Sari", language_code="en"), LAMP, WEST)
    follower = live.sim.user(651, first_name="Kartini", language_code="en")
    await until_name(follower, "Lampu di dekat rumah Bu Kartini nomor 7 padam, gelap.", WEST)
    await follower.press(f"dup:follow:{code}")
    await follower.replies()
    desk = live.sim.user(900, first_name="Desk", language_code="en")
    await desk.send_text(f"/catatan {code} Bu Kartini minta dihubungi sore.")
    await desk.replies()
    before = files_under(live.media_dir)
    assert traces(live.engine, texts=["Kartini"], ids=["651"])
    await follower.send_text("/mydata")
    [shown, _file] = await follower.replies(2)
    assert f"Added to reports you follow: {code}" in (shown.text or "")
    await follower.send_text("/deletedata")
    await follower.replies()
    await follower.press("erase:yes")
    [done] = await follower.replies()
    assert "erased" in (done.text or "")
    assert traces(live.engine, texts=["Kartini"], ids=["651"]) == []
    assert len(before - files_under(live.media_dir)) == 1  # the follower's photo; Sari's stays
    with Session(live.engine) as session:
        assert session.exec(select(ComplaintFollower)).all() == []
    assert complaint(live, code).reporters_count == 2  # a figure for the statistics, naming nobody


async def test_statistics_count_complaints_by_kelurahan_and_outside_the_area(
        live: LiveTelegram, tmp_path: Path) -> None:
    await restart(live, tmp_path)
    await file_at(live.sim.user(630, first_name="Sari", language_code="id"), LAMP, EAST)
    await file_at(live.sim.user(631, first_name="Budi", language_code="id"), LAMP_AGAIN, WEST)
    outside = live.sim.user(632, first_name="Joko", language_code="id")
    await until_name(outside, LAMP, NOWHERE)
    await outside.press("area:anyway")
    await outside.replies()
    await outside.press("name:profile")
    await outside.replies()
    await outside.press("submit")
    await outside.replies()
    assert len(live.complaints()) == 3
    desk = live.sim.user(900, first_name="Desk", language_code="id")
    await desk.send_text("/statistik semua")
    [figures] = await desk.replies()
    text = figures.text or ""
    areas = "Per kelurahan:\n• Sukamaju (Kota Barat): 1\n• Sukasari (Kota Timur): 1\n🚩 Di luar wilayah: 1"
    assert areas in text, text
