"""What a resident sends fills the slot asked for, is acknowledged, and an impossible location is refused:
end to end through both Telegram drivers (the simulator) and WhatsApp (the fake Twilio)."""

from __future__ import annotations

import pytest
from live_telegram import LiveTelegram, agree
from live_whatsapp import LiveWhatsApp
from sqlmodel import Session, select
from storage_exif import gps_exif

from helpers import jpeg
from storage.models import Complaint

DESCRIPTION = "Sampah menumpuk di pinggir jalan depan pasar, sudah seminggu belum diangkut petugas."
ADDRESS = "Jl. Merdeka No. 10, RT 03/RW 05, Cipete"
MARKUP = "<b>Budi</b> *Santoso* _x_ [x](http://evil.example) & <i>"
ASK_NAME = "Siapa nama Anda?"
ASK_ADDRESS = "Di mana lokasi masalahnya?"
ASK_PHOTO = "Silakan kirim foto masalahnya"
OFF_THE_MAP = "Lokasi itu tidak ada di peta"
NULL_ISLAND = "Lokasi itu 0, 0, di tengah laut"
FROM_PHOTO = "Posisi yang tersimpan di foto tidak mungkin benar"


def complaints(engine: object) -> list[Complaint]:
    with Session(engine) as session:  # type: ignore[call-overload]
        return list(session.exec(select(Complaint)))


async def text_of(user: object, count: int = 1) -> str:
    replies = await user.replies(count)  # type: ignore[attr-defined]
    return "\n".join(r.text or "" for r in replies)


# -- impossible locations (issue 17, 2) ---------------------------------------------------------------

@pytest.mark.parametrize(("latitude", "longitude", "refusal"), [
    (95.0, 200.0, OFF_THE_MAP), (-91.0, 10.0, OFF_THE_MAP), (10.0, -180.5, OFF_THE_MAP),
    (0.0, 0.0, NULL_ISLAND),
])
async def test_telegram_refuses_an_impossible_pin_and_keeps_the_rest(
        live: LiveTelegram, latitude: float, longitude: float, refusal: str) -> None:
    user = live.sim.user(601, first_name="Siti", language_code="id")
    await agree(user)
    await user.send_photo(jpeg(), caption=DESCRIPTION)
    await user.replies()
    await user.send_location(latitude, longitude)
    answer = await text_of(user)
    assert refusal in answer and "bagikan lokasi sekali lagi" in answer
    assert "Lokasi diterima" not in answer and ASK_NAME in answer
    await user.send_text("Siti Aminah")
    asked = await text_of(user)
    assert ASK_ADDRESS in asked  # the location is still missing; the name, photo and description are kept
    await user.send_location(-6.2884, 106.7179)
    summary = await text_of(user, 2)
    assert "📍 -6.28840, 106.71790" in summary and f"{latitude:.5f}" not in summary
    await user.press("submit")
    await user.replies()
    [complaint] = live.complaints()
    assert (complaint.name, complaint.latitude, complaint.longitude) == ("Siti Aminah", -6.2884, 106.7179)
    assert complaint.description == DESCRIPTION


@pytest.mark.parametrize(("latitude", "longitude"), [(0.0, 0.0), (95.0, 0.0), (10.0, 181.0)])
async def test_telegram_an_impossible_or_null_position_in_a_photo_is_not_used(
        live: LiveTelegram, latitude: float, longitude: float) -> None:
    user = live.sim.user(602, first_name="Siti", language_code="id")
    await agree(user)
    await user.send_text("Siti Aminah")
    await user.replies()
    await user.send_document(jpeg(exif=gps_exif(latitude, longitude)), "foto.jpg", "image/jpeg",
                             caption=DESCRIPTION)
    answer = await text_of(user)
    assert FROM_PHOTO in answer and "📷 Foto diterima (1/5)." in answer and ASK_ADDRESS in answer
    await user.send_text(ADDRESS)
    summary = await text_of(user, 2)
    assert ADDRESS in summary and "📍" not in summary.split("Alamat:")[1].split("\n")[0]
    await user.press("submit")
    await user.replies()
    [complaint] = live.complaints()
    assert (complaint.address, complaint.latitude, complaint.location_source) == (ADDRESS, None, None)


async def test_whatsapp_refuses_an_impossible_pin_with_the_same_answer(whatsapp: LiveWhatsApp) -> None:
    await whatsapp.say("LAPOR")
    await whatsapp.say("YA")
    await whatsapp.photo(jpeg(), DESCRIPTION)
    for latitude, longitude, refusal in ((95.0, 200.0, OFF_THE_MAP), (0.0, 0.0, NULL_ISLAND)):
        answer = await whatsapp.pin(latitude, longitude)
        assert refusal in answer and ASK_NAME in answer
    assert ASK_ADDRESS in await whatsapp.say("Siti Aminah")  # the location is still missing
    summary = await whatsapp.pin(-2.2096, 113.9108)
    assert "📍 Lokasi diterima." in summary and "-2.20960, 113.91080" in summary
    await whatsapp.say("KIRIM")
    [complaint] = complaints(whatsapp.service.channel.conversations.engine)
    assert (complaint.latitude, complaint.longitude, complaint.name) == (-2.2096, 113.9108, "Siti Aminah")


async def test_whatsapp_a_null_position_in_a_photo_is_not_used(whatsapp: LiveWhatsApp) -> None:
    await whatsapp.say("LAPOR")
    await whatsapp.say("YA")
    answer = await whatsapp.photo(jpeg(exif=gps_exif(0.0, 0.0)), DESCRIPTION)
    assert FROM_PHOTO in answer and "📷 Foto diterima (1/5)." in answer
    await whatsapp.say("Siti Aminah")
    await whatsapp.say(ADDRESS)
    await whatsapp.say("KIRIM")
    [complaint] = complaints(whatsapp.service.channel.conversations.engine)
    assert (complaint.address, complaint.latitude) == (ADDRESS, None)


# -- a text answers the question asked (issue 17, 3; issue 11, 4) ---------------------------------------

SENTENCE = "Saya mau melaporkan lampu jalan yang mati di depan rumah saya sejak tiga malam yang lalu."


async def test_telegram_at_the_name_question_a_text_is_the_name_or_gets_the_names_answer(
        live: LiveTelegram) -> None:
    user = live.sim.user(603, first_name="Budi", language_code="id")
    await agree(user)
    for typed, answer in ((MARKUP, "Nama tidak boleh berisi tautan"), ("kategori", "Itu bukan nama"),
                          ("yes", "Itu bukan nama"), ("B", "paling sedikit 2 huruf"),
                          ("Budi_Santoso*", "Nama hanya boleh berisi huruf"), ("A" * 61, "terlalu panjang")):
        await user.send_text(typed)
        reply = await text_of(user)
        assert answer in reply and ASK_NAME in reply, (typed, reply)
    # A sentence is plainly the description (none was given yet): taken as one, and said so.
    await user.send_text(SENTENCE)
    reply = await text_of(user)
    assert reply.startswith("📝 Saya simpan sebagai uraian masalah.\n\n" + ASK_NAME)
    await user.send_text(SENTENCE + " Tolong segera.")  # the description is there now: a name is asked
    assert "Itu tampaknya kalimat, bukan nama" in await text_of(user)
    await user.send_text("Budi Santoso")
    reply = await text_of(user)
    assert reply.startswith("👤 Nama disimpan.\n\n" + ASK_ADDRESS)
    await user.send_text(ADDRESS)
    await user.replies()
    await user.send_photo(jpeg())
    summary = await text_of(user)
    assert summary.startswith("📷 Foto diterima (1/5).") and "Nama: Budi Santoso" in summary
    await user.press("submit")
    await user.replies()
    [complaint] = live.complaints()
    assert (complaint.name, complaint.description, complaint.address) == ("Budi Santoso", SENTENCE, ADDRESS)


async def test_telegram_an_address_typed_at_the_name_question_is_taken_as_the_address(
        live: LiveTelegram) -> None:
    user = live.sim.user(604, language_code="id")
    await agree(user)
    await user.send_text(ADDRESS)
    reply = await text_of(user)
    assert reply.startswith("🏠 Saya simpan sebagai alamat.\n\n" + ASK_NAME)
    await user.send_text("Siti Nur'aini-Putri")
    reply = await text_of(user)
    assert reply.startswith("👤 Nama disimpan.\n\n" + ASK_PHOTO)  # the address is not asked again


async def test_telegram_markup_is_stored_as_typed_and_never_interpreted(live: LiveTelegram) -> None:
    user = live.sim.user(605, first_name="Budi", language_code="en")
    await agree(user)
    description = "<b>Lampu</b> *mati* _total_ di [Jl. Merdeka](http://evil.example) & <i> sejak 3 hari"
    name = "Nur'aini O'Neil-Putri, S.H."
    await user.send_photo(jpeg(), caption=description)
    await user.replies()
    await user.send_text(name)
    await user.replies()
    await user.send_text("Jl. Merdeka No. 10 <u>RT 03</u> & RW 05")
    summary = await text_of(user, 2)
    assert description in summary and name in summary and "<u>RT 03</u> & RW 05" in summary
    await user.press("submit")
    await user.replies()
    [complaint] = live.complaints()
    assert (complaint.name, complaint.description) == (name, description)
    assert complaint.address == "Jl. Merdeka No. 10 <u>RT 03</u> & RW 05"
    # Nothing the bot sent asked Telegram to read markup: user text is shown as plain text.
    sent = [c for c in live.sim.calls if c.method.lower() in {"sendmessage", "sendphoto", "editmessagetext"}]
    assert sent and all(not c.params.get("parse_mode") for c in sent), [c.params for c in sent]
    assert any(description in str(c.params.get("text")) for c in sent)


async def test_whatsapp_at_the_photo_question_a_text_is_never_silently_another_slot(
        whatsapp: LiveWhatsApp) -> None:
    await whatsapp.say("LAPOR")
    await whatsapp.say("YA")
    assert "👤 Nama disimpan." in await whatsapp.say("Budi Santoso")
    assert "🏠 Alamat disimpan." in await whatsapp.say(ADDRESS)
    answer = await whatsapp.say(MARKUP)
    assert "Foto masalahnya wajib dilampirkan" in answer and ASK_PHOTO in answer
    answer = await whatsapp.say(SENTENCE)
    assert answer.startswith("📝 Saya simpan sebagai uraian masalah.\n\n" + ASK_PHOTO)
    summary = await whatsapp.photo(jpeg())
    assert summary.startswith("📷 Foto diterima (1/5).") and SENTENCE in summary
    await whatsapp.say("KIRIM")
    [complaint] = complaints(whatsapp.service.channel.conversations.engine)
    assert (complaint.name, complaint.description) == ("Budi Santoso", SENTENCE)


async def test_whatsapp_names_that_are_not_names_get_a_friendly_answer(whatsapp: LiveWhatsApp) -> None:
    await whatsapp.say("LAPOR")
    await whatsapp.say("YA")
    for typed, answer in (("kategori", "Itu bukan nama"), ("yes", "Itu bukan nama"),
                          (MARKUP, "Nama tidak boleh berisi tautan")):
        reply = await whatsapp.say(typed)
        assert answer in reply and ASK_NAME in reply, (typed, reply)
    assert "👤 Nama disimpan." in await whatsapp.say("Siti Aminah")


async def test_whatsapp_out_of_order_input_is_acknowledged(whatsapp: LiveWhatsApp) -> None:
    await whatsapp.say("LAPOR")
    await whatsapp.say("YA")
    answer = await whatsapp.photo(jpeg(), DESCRIPTION)
    assert answer.startswith(
        "📷 Foto diterima (1/5). 📝 Keterangan foto disimpan sebagai uraian masalah.\n\n" + ASK_NAME)
    answer = await whatsapp.pin(-2.2096, 113.9108)
    assert answer.startswith("📍 Lokasi diterima.\n\n" + ASK_NAME)
