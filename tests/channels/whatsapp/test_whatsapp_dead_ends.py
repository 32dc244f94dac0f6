"""Issue 11 over WhatsApp: wording without buttons, keywords per language, greetings, voice, edits, cancel."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from live_whatsapp import LiveWhatsApp
from sqlmodel import Session, select

from bot.whatsapp.messages import render
from handlers import at_summary, notices
from handlers.draft import SLOTS
from handlers.edit_prompts import editing_replies
from handlers.i18n import LOCALES, use_locale
from handlers.messages import Reply
from handlers.prompts import ask, problem_text
from handlers.wording import use_channel
from helpers import jpeg
from storage.models import Complaint, Conversation

DESCRIPTION = "Sampah menumpuk di pinggir kali dekat pasar sejak Senin, baunya menyengat."
FORBIDDEN = ("tombol", "button")


def no_buttons_mentioned(text: str) -> None:
    assert not any(word in text.lower() for word in FORBIDDEN), text


@pytest.fixture
async def whatsapp(whatsapp: LiveWhatsApp) -> AsyncIterator[LiveWhatsApp]:
    """The live channel; afterwards, no message it sent in the test mentioned a button."""
    yield whatsapp
    for body in whatsapp.fake.bodies():
        no_buttons_mentioned(body)


async def to_summary(wa: LiveWhatsApp, *, language: str = "BAHASA ID") -> None:
    await wa.say(language)
    await wa.say("Halo")
    await wa.say("1")  # consent
    await wa.photo(jpeg(), caption=DESCRIPTION)
    await wa.pin(-6.2884, 106.7179)
    await wa.say("Siti Aminah")


@pytest.mark.parametrize("locale", LOCALES)
def test_9_every_prompt_rendered_for_whatsapp_mentions_no_button(locale: str) -> None:
    with use_locale(locale), use_channel("whatsapp"):
        texts = [problem_text(key) for key in (
            "name:empty", "name:no_letters", "name:too_long", "name:url", "address:too_short",
            "address:too_long", "description:too_short", "description:too_long", "caption:too_short",
            "photo:missing", "photo:not_image", "photo:too_large", "photo:too_many_pixels",
            "photo:unavailable", "photo:limit", "unsupported:sticker", "unsupported:voice",
            "unsupported:audio", "unsupported:video", "unsupported:contact", "unsupported:other",
            "text:photo_expected")]
        texts += [ask(slot, max_photos=5) for slot in SLOTS] + [at_summary.hint()]
        texts.append(at_summary.offer_reply("", "Teks tambahan yang cukup panjang").text)
        texts.append(notices.feedback_buttons("ADU-7K3M9Q")[0][0].label)
        for body in texts:
            for rendered in render(Reply(body), locale):
                no_buttons_mentioned(rendered)


async def test_9_10_11_14_a_whole_conversation_in_english(whatsapp: LiveWhatsApp) -> None:
    await to_summary(whatsapp, language="LANGUAGE EN")
    bodies: list[str] = list(whatsapp.fake.bodies())
    hint = await whatsapp.say("what now")
    assert "SUBMIT" in hint and "EDIT" in hint
    edit = await whatsapp.say("edit")  # 11: a keyword that opens the edit choices
    assert "What do you want to change?" in edit and "*3.* ✏️ Photos" in edit
    photos = await whatsapp.say("3")
    assert "Remove photo 1" in photos and "Done" in photos
    back = await whatsapp.say("KIRIM")  # 5: no dead end, a keyword takes it back to the summary
    assert "Please check your report" in back
    status = await whatsapp.say("STATUS")  # 11: the draft is unfinished, and how to go on
    assert "unfinished report" in status and "REPORT" in status and "LAPOR" not in status
    question = await whatsapp.say("CANCEL")  # 14: asked once
    assert "Cancel this report? 1 photo will be deleted." in question
    done = await whatsapp.say("CANCEL")
    assert "Send REPORT to start again" in done  # 10: the English keyword
    stop = await whatsapp.say("STOP")
    assert "Send START to turn" in stop
    bodies = whatsapp.fake.bodies()
    for body in bodies:
        no_buttons_mentioned(body)
        assert "LAPOR" not in body and "MULAI" not in body


async def test_10_indonesian_keywords_for_indonesian_and_both_accepted(whatsapp: LiveWhatsApp) -> None:
    await whatsapp.say("Halo")
    await whatsapp.say("YA")
    stop = await whatsapp.say("STOP")
    assert "MULAI" in stop
    again = await whatsapp.say("START")  # the English keyword works for an Indonesian resident too
    assert "aktif lagi" in again or "Notifikasi" in again


async def test_12_a_greeting_is_not_kept_report_content_is(whatsapp: LiveWhatsApp, engine: object) -> None:
    first = await whatsapp.say("Halo")
    assert "sudah saya simpan" not in first and "UU PDP" in first
    polite = await whatsapp.say("Selamat pagi bapak ibu admin, terima kasih")
    assert "menyimpan" not in polite
    kept = await whatsapp.photo(jpeg(), caption=DESCRIPTION)
    assert "Saya sudah menyimpan 1 foto dan teks Anda" in kept
    answer = await whatsapp.say("YA")
    assert "Siapa nama Anda" in answer or "nama" in answer.lower()
    with Session(whatsapp.service.channel.conversations.engine) as session:
        [conversation] = session.exec(select(Conversation)).all()
    assert conversation.data["draft"]["description"] == DESCRIPTION
    assert len(conversation.data["draft"]["photos"]) == 1


@pytest.mark.parametrize("with_draft", [False, True])
async def test_13_a_voice_note_is_answered_the_same_way(whatsapp: LiveWhatsApp, with_draft: bool) -> None:
    await whatsapp.say("Halo")
    await whatsapp.say("YA")
    if with_draft:
        await whatsapp.photo(jpeg())
    url = whatsapp.fake.add_media(b"OggS....", "audio/ogg")
    [answer, *_rest] = await whatsapp.send(NumMedia="1", MediaUrl0=url, MediaContentType0="audio/ogg")
    assert answer.startswith("Pesan suara belum bisa")
    assert "Halo! Saya Aduan" not in answer


async def test_7_adding_to_a_filed_report_over_whatsapp(whatsapp: LiveWhatsApp) -> None:
    await to_summary(whatsapp)
    edit = await whatsapp.say("ubah")
    assert "Apa yang ingin Anda ubah?" in edit and "*7.* ↩️ Kembali ke ringkasan" in edit
    assert "Silakan periksa laporan Anda" in await whatsapp.say("7")
    await whatsapp.say("KIRIM")
    question = await whatsapp.photo(jpeg(color=(5, 5, 5)), caption="tambahan foto untuk laporan saya tadi")
    assert "Tambahkan ke ADU-" in question and "Laporan baru" in question
    added = await whatsapp.say("1")
    assert "Ditambahkan ke ADU-" in added
    with Session(whatsapp.service.channel.conversations.engine) as session:
        [complaint] = session.exec(select(Complaint)).all()
        [conversation] = session.exec(select(Conversation)).all()
    assert "draft" not in conversation.data and complaint.name == "Siti Aminah"
    ready = await whatsapp.say(f"TAMBAH {complaint.code.lower()}")  # on purpose, by keyword
    assert f"ditambahkan ke {complaint.code}" in ready
    added = await whatsapp.say("Lubangnya sekarang sudah ditutup warga dengan batu seadanya.")
    assert f"Ditambahkan ke {complaint.code}: teks Anda" in added


def test_editing_replies_offer_a_keyword_way_out() -> None:
    """The photos step without photos still offers “done” (so text never loops)."""
    from handlers.draft import Draft
    reply = editing_replies(None, Draft(), "photo", "Q")[0]  # type: ignore[arg-type]
    assert [b.data for row in reply.buttons for b in row] == ["edit:keep"]
