"""One scripted report, played over Telegram and over WhatsApp, ends in equal complaint rows."""

from __future__ import annotations

from pathlib import Path

from live_telegram import LiveTelegram
from live_whatsapp import LiveWhatsApp
from sqlmodel import Session, select

from helpers import jpeg
from storage.models import Complaint

DESCRIPTION = "Lampu jalan mati sepanjang Jl. Diponegoro sejak tiga malam, gelap dan rawan."
ADDRESS = "Jl. Diponegoro No. 21, RT 02/RW 04, Menteng"
COMPARED = ("name", "address", "latitude", "longitude", "location_source", "description", "category",
            "privacy", "status", "locale")


async def test_the_same_report_over_both_channels_gives_the_same_row(
    live: LiveTelegram, whatsapp: LiveWhatsApp, tmp_path: Path
) -> None:
    photo = jpeg(800, 600)
    user = live.sim.user(777, first_name="Siti", last_name="Aminah", language_code="id")
    await user.send_text("/lapor")
    await user.replies()
    await user.press("consent:yes")
    await user.replies()
    for step in (lambda: user.send_text("Siti Aminah"), lambda: user.send_text(ADDRESS),
                 lambda: user.send_photo(photo), lambda: user.send_text(DESCRIPTION)):
        await step()
        await user.replies()
    await user.press("submit")
    await user.replies()

    await whatsapp.say("LAPOR")
    await whatsapp.say("YA")
    for text in ("Siti Aminah", ADDRESS):
        await whatsapp.say(text)
    await whatsapp.photo(photo)
    await whatsapp.say(DESCRIPTION)
    await whatsapp.say("KIRIM")

    with Session(live.engine) as session:
        rows = {c.channel: c for c in session.exec(select(Complaint))}
    telegram, wa = rows["telegram"], rows["whatsapp"]
    assert {f: getattr(telegram, f) for f in COMPARED} == {f: getattr(wa, f) for f in COMPARED}
    assert telegram.reporter_id != wa.reporter_id
