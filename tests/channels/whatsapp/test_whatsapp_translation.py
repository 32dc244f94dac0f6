"""Twilio webhook bodies into neutral messages, and replies into WhatsApp text."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from live_whatsapp import fixture_form

from bot.whatsapp.messages import MAX_BODY, render, to_inbound
from handlers.messages import Button, Location, Reply

AT = datetime(2026, 11, 22, 3, 0, tzinfo=UTC)
AUDIO = {"NumMedia": "1", "MediaUrl0": "https://api.twilio.com/x/Media/ME1", "MediaContentType0": "audio/ogg"}
VIDEO = {**AUDIO, "MediaContentType0": "video/mp4"}
MEDIA = "https://api.twilio.com/2010-04-01/Accounts/AC00000000000000000000000000000001/Messages/"


@pytest.mark.parametrize(("fixture", "text", "photos", "location"), [
    ("text", "Halo", 0, None),
    ("image", "Sampah menumpuk di pinggir jalan, seminggu belum diangkut", 1, None),
    ("location", None, 0, Location(-2.2096, 113.9108, "Taman Kota, Jl. Tjilik Riwut Km 5, Palangka Raya")),
    ("multiple_media", None, 2, None),
])
def test_webhook_fixtures_become_neutral_messages(
    fixture: str, text: str | None, photos: int, location: Location | None
) -> None:
    form = fixture_form(fixture)
    msg = to_inbound(form, received_at=AT)
    assert (msg.channel, msg.user_id) == ("whatsapp", "+6281234567890")
    assert msg.chat_id == "whatsapp:+6281234567890"
    assert (msg.event_ids, msg.profile_name) == ((form["MessageSid"],), "Siti Aminah")
    assert (msg.text, msg.location, msg.unsupported) == (text, location, None)
    assert len(msg.attachments) == photos
    assert all(a.kind == "photo" and a.ref.startswith(MEDIA) for a in msg.attachments)


@pytest.mark.parametrize(("fields", "command", "args", "unsupported"), [
    ({"Body": "LAPOR"}, "lapor", "", None),
    ({"Body": "status adu-7k3m9q"}, "status", "adu-7k3m9q", None),
    (AUDIO, None, "", "voice"),
    (VIDEO, None, "", "video"),
    ({"Body": ""}, None, "", "other"),
])
def test_keywords_and_unusable_media(
    fields: dict[str, str], command: str | None, args: str, unsupported: str | None
) -> None:
    msg = to_inbound({**fixture_form("text"), **fields}, received_at=AT)
    assert (msg.command, msg.args, msg.unsupported) == (command, args, unsupported)


def test_replies_number_their_choices_and_name_keywords_instead_of_commands() -> None:
    reply = Reply("Laporan siap. Kirim /lapor atau /status ADU-1.", buttons=(
        (Button("✅ Kirim", "submit"),), (Button("✏️ Nama", "edit:name"), Button("❌ Batal", "cancel"))))
    [body] = render(reply)
    assert body == "Laporan siap. Kirim LAPOR atau STATUS ADU-1.\n\n*1.* ✅ Kirim\n*2.* ✏️ Nama\n*3.* ❌ Batal"


def test_long_replies_are_split_under_twilios_limit() -> None:
    text = "\n".join(f"baris {i} " + "x" * 60 for i in range(60))
    pieces = render(Reply(text))
    assert len(pieces) > 1 and all(len(p) <= MAX_BODY == 1600 for p in pieces)
    assert "".join(pieces).replace("\n", "") == text.replace("\n", "")
