"""A resident's data rights over WhatsApp: keywords in either language, signed webhooks, a fake Twilio."""

from __future__ import annotations

import re

from live_whatsapp import LiveWhatsApp
from privacy_helpers import traces
from sqlmodel import Session, select

from helpers import jpeg
from storage.models import Complaint, Reporter, StatusChange

PHONE = "6281234567890"
DESCRIPTION = "Sampah menumpuk di pinggir jalan Kenanga, seminggu belum diangkut"


async def file_whatsapp_report(whatsapp: LiveWhatsApp) -> str:
    await whatsapp.say("LAPOR")
    await whatsapp.say("ya")
    await whatsapp.photo(jpeg(), DESCRIPTION)
    await whatsapp.pin(-2.2096, 113.9108, Label="Taman Kota", Address="Jl. Kenanga Raya 9")
    await whatsapp.say("1")
    done = await whatsapp.say("Kirim")
    found = re.search(r"[A-Z]{2,8}-[0-9A-Z]{6}", done)
    assert found, done
    return found.group(0)


async def test_my_data_comes_as_text_on_whatsapp(whatsapp: LiveWhatsApp) -> None:
    code = await file_whatsapp_report(whatsapp)
    before = len(whatsapp.fake.posts)
    answer = await whatsapp.say("dataku")
    posts = whatsapp.fake.posts[before:]
    assert posts and not any("MediaUrl" in p for p in posts)  # Twilio sends media only from public URLs
    for shown in (code, "Siti Aminah", "Jl. Kenanga Raya 9", "+" + PHONE, "Foto: 1", "HAPUSDATA"):
        assert shown in answer


async def test_erasure_over_whatsapp_forgets_the_number(whatsapp: LiveWhatsApp) -> None:
    code = await file_whatsapp_report(whatsapp)
    ask = await whatsapp.say("HAPUSDATA")
    assert "*1.* 🗑 Ya, hapus data saya" in ask and "sekitar 1 km" in ask and code in ask
    done = await whatsapp.say("1")
    assert "Data pribadi Anda telah dihapus" in done
    engine = whatsapp.service.channel.conversations.engine
    assert traces(engine, texts=["Siti Aminah", "Kenanga Raya", PHONE]) == []
    with Session(engine) as session:
        complaint = session.exec(select(Complaint).where(Complaint.code == code)).one()
    assert complaint.erased_at is not None and complaint.status == "received"
    assert "persetujuan" in (await whatsapp.say("halo")).lower()  # a new resident: the notice again


async def test_withdrawing_consent_deletes_the_draft_and_offers_erasure(whatsapp: LiveWhatsApp) -> None:
    await whatsapp.say("LAPOR")
    await whatsapp.say("ya")
    await whatsapp.photo(jpeg(), DESCRIPTION)
    answer = await whatsapp.say("TARIKPERSETUJUAN")
    assert "Persetujuan Anda telah ditarik" in answer and "*1.* 🗑 Hapus data saya juga" in answer
    engine = whatsapp.service.channel.conversations.engine
    with Session(engine) as session:
        reporter = session.exec(select(Reporter)).one()
    assert reporter.consent_at is None and reporter.opted_out_at is not None
    assert "Hapus data pribadi Anda?" in await whatsapp.say("1")


async def test_a_report_not_yet_verified_can_be_corrected(whatsapp: LiveWhatsApp) -> None:
    code = await file_whatsapp_report(whatsapp)
    assert "*1.* ✏️ Nama" in await whatsapp.say(f"UBAH {code}")
    assert "nama yang benar" in await whatsapp.say("1")
    assert "Siti Aminah Putri" in await whatsapp.say("Siti Aminah Putri")
    engine = whatsapp.service.channel.conversations.engine
    with Session(engine) as session:
        complaint = session.exec(select(Complaint).where(Complaint.code == code)).one()
        history = session.exec(select(StatusChange).where(StatusChange.complaint_id == complaint.id))
        notes = [change.note for change in history]
    assert complaint.name == "Siti Aminah Putri"
    assert "Nama dikoreksi oleh pelapor (sebelumnya: Siti Aminah)" in notes
