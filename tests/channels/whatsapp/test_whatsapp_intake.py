"""A resident reports over WhatsApp: signed webhooks in, twilio messages out, against a fake Twilio."""

from __future__ import annotations

from live_whatsapp import RESIDENT, LiveWhatsApp
from sqlmodel import Session, select

from helpers import jpeg
from storage.models import Complaint, Reporter


async def test_a_whole_report_with_photo_and_pin_over_whatsapp(whatsapp: LiveWhatsApp) -> None:
    assert "Aduan" in await whatsapp.say("LAPOR")
    assert "*1.* Pakai “Siti Aminah”" in await whatsapp.say("ya")
    answer = await whatsapp.photo(jpeg(), "Sampah menumpuk di pinggir jalan, seminggu belum diangkut")
    assert "nama" in answer.lower()
    assert "nama" in (await whatsapp.pin(-2.2096, 113.9108, Label="Taman Kota")).lower()
    summary = await whatsapp.say("1")  # "Pakai “Siti Aminah”"
    assert "Siti Aminah" in summary and "*1.* ✅ Kirim" in summary
    done = await whatsapp.say("Kirim")
    with Session(whatsapp.service.channel.conversations.engine) as session:
        [complaint] = session.exec(select(Complaint)).all()
        reporter = session.get(Reporter, complaint.reporter_id)
    assert complaint.code in done
    assert (complaint.channel, complaint.name, complaint.address, complaint.latitude) == (
        "whatsapp", "Siti Aminah", "Taman Kota", -2.2096)
    assert reporter is not None and (reporter.external_id, reporter.chat_id) == ("+6281234567890", RESIDENT)
    assert all(p["To"] == RESIDENT and p["From"] == "whatsapp:+14155238886" for p in whatsapp.fake.posts)
    assert all(p["StatusCallback"] == "https://aduan.example.go.id/webhook/whatsapp/status"
               for p in whatsapp.fake.posts)
