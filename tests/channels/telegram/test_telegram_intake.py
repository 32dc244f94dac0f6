"""Residents report over Telegram, end to end through each driver (ptb, aiogram) and the simulator."""

from __future__ import annotations

import io
import re

import pytest
from live_telegram import LiveTelegram, agree
from PIL import Image
from sqlmodel import Session, select

from helpers import jpeg
from storage.models import Photo

DESCRIPTION = "Jalan berlubang besar di depan SDN 3, sudah dua pengendara motor jatuh minggu ini."
ADDRESS = "Jl. Merdeka No. 10, RT 03/RW 05, Cipete"


def code_in(text: str | None) -> str:
    found = re.search(r"ADU-[0-9A-Z]{6}", text or "")
    assert found, text
    return found.group(0)


async def test_complete_report_in_default_order(live: LiveTelegram) -> None:
    user = live.sim.user(501, first_name="Budi", last_name="Santoso", language_code="id")
    await agree(user)
    assert user.last is not None and "nama" in (user.last.text or "").lower()
    assert user.last.button_labels == ["Pakai “Budi Santoso”"]
    await user.send_text("Budi Santoso")
    [ask_address] = await user.replies()
    assert ask_address.keyboard[0][0]["request_location"] is True
    await user.send_text(ADDRESS)
    [ask_photo] = await user.replies()
    assert ask_photo.removes_keyboard and "foto" in (ask_photo.text or "")
    await user.send_photo(jpeg(1280, 960))
    [ask_description] = await user.replies()
    assert "Jelaskan" in (ask_description.text or "") or "uraian" in (ask_description.text or "").lower()
    await user.send_text(DESCRIPTION)
    [summary] = await user.replies()
    for expected in ("Budi Santoso", ADDRESS, "1 foto", "Jalan dan infrastruktur", DESCRIPTION):
        assert expected in (summary.text or "")
    await user.press("✅ Kirim")
    [done] = await user.replies()
    [complaint] = live.complaints()
    assert complaint.code == code_in(done.text)
    assert (complaint.name, complaint.address) == ("Budi Santoso", ADDRESS)
    assert complaint.description == DESCRIPTION
    assert (complaint.status, complaint.channel) == ("received", "telegram")
    with Session(live.engine) as session:
        [photo] = session.exec(select(Photo)).all()
    stored = live.media_dir / photo.path
    with Image.open(io.BytesIO(stored.read_bytes())) as image:
        assert image.size == (1280, 960)  # the largest size was downloaded, not a thumbnail


async def test_everything_at_once_asks_only_for_the_name(live: LiveTelegram) -> None:
    user = live.sim.user(502, first_name="Siti", language_code="id")
    await agree(user)
    await user.send_photo(jpeg(), caption=DESCRIPTION)
    [first] = await user.replies()
    await user.send_location(-6.2884, 106.7179)
    [second] = await user.replies()
    # Each message is acknowledged before the question that is still open (issue 11, 8).
    assert (first.text or "").startswith(
        "📷 Foto diterima (1/5). 📝 Keterangan foto disimpan sebagai uraian masalah.\n\nSiapa nama Anda")
    assert (second.text or "").startswith("📍 Lokasi diterima.\n\nSiapa nama Anda")
    await user.send_text("Siti Aminah")
    [summary] = await user.replies()
    assert "📍 -6.28840, 106.71790" in (summary.text or "")
    await user.press("submit")
    await user.replies()
    [complaint] = live.complaints()
    assert (complaint.name, complaint.latitude) == ("Siti Aminah", -6.2884)
    assert complaint.description == DESCRIPTION


async def test_an_album_is_one_message_with_all_its_photos(live: LiveTelegram) -> None:
    user = live.sim.user(503, language_code="en")
    await agree(user)
    await user.send_text("Budi Santoso")
    await user.replies()
    await user.send_location(-6.2, 106.8)
    await user.replies()
    await user.send_album([jpeg(color=(i * 40, 0, 0)) for i in range(3)], caption=DESCRIPTION)
    [summary] = await user.replies()
    assert (summary.text or "").startswith(
        "📷 3 photos received (3/5). 📝 Caption saved as the problem description.\n\n")
    assert "Photos: 3 photos" in (summary.text or "")
    await user.no_more_replies(0.5)


async def test_editing_a_field_and_cancelling(live: LiveTelegram) -> None:
    user = live.sim.user(504, first_name="Budi", language_code="en")
    await agree(user)
    await user.send_photo(jpeg(), caption=DESCRIPTION)
    await user.replies()
    await user.send_venue(-6.2, 106.8, "SDN 3 Cipete", "Jl. Merdeka 10")
    await user.replies()
    await user.press("name:profile")
    [summary] = await user.replies()
    assert "Address: SDN 3 Cipete, Jl. Merdeka 10" in (summary.text or "")
    await user.press("✏️ Name")
    await user.replies()
    await user.send_text("Budi Hartono")
    [summary] = await user.replies()
    assert "Name: Budi Hartono" in (summary.text or "")
    await user.send_text("/cancel")
    [question] = await user.replies()
    assert question.text == "Cancel this report? 1 photo will be deleted."
    await user.send_text("/cancel")  # asked once: the second /cancel confirms
    [cancelled] = await user.replies()
    assert "cancelled" in (cancelled.text or "")
    assert live.complaints() == []


BAD_INPUTS = [
    ("sticker", "Stickers cannot be part of a report"),
    ("voice", "Voice messages cannot"),
    ("video", "Videos cannot"),
    ("contact", "Contacts cannot"),
    ("pdf", "not a picture"),
    ("huge", "too large"),
    ("text", "photo of the problem is required"),
]


@pytest.mark.parametrize(("sent", "answer"), BAD_INPUTS, ids=[b[0] for b in BAD_INPUTS])
async def test_bad_input_at_the_photo_step(live: LiveTelegram, sent: str, answer: str) -> None:
    user = live.sim.user(505, language_code="en")
    await agree(user)
    await user.send_text("Budi Santoso")
    await user.replies()
    await user.send_text(ADDRESS)
    await user.replies()
    if sent == "sticker":
        await user.send_sticker()
    elif sent == "voice":
        await user.send_voice()
    elif sent == "video":
        await user.send_video()
    elif sent == "contact":
        await user.send_contact("+6281234567890", "Joko")
    elif sent == "pdf":
        await user.send_document(b"%PDF-1.7\n...", "foto.jpg", "image/jpeg")
    elif sent == "huge":
        await user.send_document(jpeg(), "big.jpg", "image/jpeg", file_size=25 * 1024 * 1024)
    else:
        await user.send_text("ok")
    [reply] = await user.replies()
    assert answer in (reply.text or "")
    assert "Please send a photo" in (reply.text or "")  # asked again; nothing given before was lost
    await user.send_photo(jpeg(), caption=DESCRIPTION)
    [summary] = await user.replies()
    assert "Name: Budi Santoso" in (summary.text or "") and ADDRESS in (summary.text or "")


@pytest.mark.parametrize(("text", "answer"), [("   ", "cannot be empty"), ("🙂", "needs letters")])
async def test_bad_names(live: LiveTelegram, text: str, answer: str) -> None:
    user = live.sim.user(506, language_code="en")
    await agree(user)
    await user.send_text(text)
    [reply] = await user.replies()
    assert answer in (reply.text or "")


async def test_short_description_keeps_the_rest(live: LiveTelegram) -> None:
    user = live.sim.user(507, language_code="en")
    await agree(user)
    await user.send_photo(jpeg())
    await user.replies()
    await user.send_text("Budi Santoso")
    await user.replies()
    await user.send_text(ADDRESS)
    await user.replies()
    await user.send_text("rusak")
    [reply] = await user.replies()
    assert "too short" in (reply.text or "")
    await user.send_text(DESCRIPTION)
    [summary] = await user.replies()
    assert "Photos: 1 photo" in (summary.text or "")


async def test_restart_mid_report_continues_it(live: LiveTelegram) -> None:
    user = live.sim.user(508, language_code="en")
    await agree(user)
    await user.send_text("Budi Santoso")
    await user.replies()
    await live.stop()
    await user.send_text(ADDRESS)  # sent while the bot is down
    await live.start()
    [asked] = await user.replies()
    assert "Please send a photo" in (asked.text or "")
    await user.send_photo(jpeg(), caption=DESCRIPTION)
    [summary] = await user.replies()
    assert "Name: Budi Santoso" in (summary.text or "") and ADDRESS in (summary.text or "")


async def test_a_duplicate_update_changes_nothing(live: LiveTelegram) -> None:
    user = live.sim.user(509, language_code="en")
    await agree(user)
    photo_update = await user.send_photo(jpeg(), caption=DESCRIPTION)
    await user.replies()
    await live.sim.replay(photo_update)
    await user.send_text("Budi Santoso")
    await user.replies()
    await user.send_text(ADDRESS)
    noted, summary = await user.replies(2)  # the location keyboard goes before the summary's buttons
    assert noted.removes_keyboard
    assert "Photos: 1 photo" in (summary.text or "")
    submit = await user.press("submit")
    await user.replies()
    await live.sim.replay(submit)
    await user.send_text("/status")
    [listing] = await user.replies()
    assert len(live.complaints()) == 1
    assert listing.text is not None and listing.text.count("ADU-") == 1


async def test_status_of_own_and_of_someone_elses_report(live: LiveTelegram) -> None:
    owner = live.sim.user(510, first_name="Budi", language_code="en")
    await agree(owner)
    await owner.send_photo(jpeg(), caption=DESCRIPTION)
    await owner.replies()
    await owner.press("name:profile")
    await owner.replies()
    await owner.send_text(ADDRESS)
    await owner.replies(2)
    await owner.press("submit")
    code = code_in((await owner.replies())[0].text)
    await owner.send_text(f"/status {code.lower()}")
    [mine] = await owner.replies()
    assert "History" in (mine.text or "")
    stranger = live.sim.user(511, first_name="Joko", language_code="en")
    await stranger.send_text(f"/status {code}")
    [theirs] = await stranger.replies()
    assert code in (theirs.text or "") and "Received" in (theirs.text or "")
    for personal in ("Budi", "Merdeka", "Jalan berlubang", "History"):
        assert personal not in (theirs.text or "")


async def test_commands_are_registered_in_both_languages(live: LiveTelegram) -> None:
    calls = await live.sim.wait_for_call("setMyCommands", count=2)
    menus = {c.params.get("language_code", ""): [x["command"] for x in c.params["commands"]] for c in calls}
    assert menus[""] == ["start", "lapor", "status", "batal", "bahasa", "dataku", "hapusdata", "bantuan"]
    assert menus["en"] == ["start", "report", "status", "cancel", "language", "mydata", "deletedata", "help"]


async def test_english_speakers_get_english_and_can_switch(live: LiveTelegram) -> None:
    user = live.sim.user(512, language_code="en-GB")
    await user.send_text("/help")
    [help_text] = await user.replies()
    assert "What I can do" in (help_text.text or "")
    await user.send_text("/bahasa")
    await user.replies()
    await user.press("lang:id")
    [switched] = await user.replies()
    assert "Bahasa diatur" in (switched.text or "")
