"""Typed answers for channels without buttons, keywords for commands, and opting out of notifications."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlmodel import Session, select

from handlers.choices import keyword_command, resolve_choice
from handlers.messages import Inbound
from helpers import Resident
from storage.models import Reporter

OFFERED = [["submit", "✅ Kirim"], ["edit:name", "✏️ Nama"], ["cancel", "❌ Batal"]]
CONSENT = [["consent:yes", "✅ Saya setuju"], ["consent:no", "✖️ Tidak setuju"]]


def _msg(text: str) -> Inbound:
    return Inbound(channel="test", user_id="1", chat_id="1", event_ids=("e",),
                   received_at=datetime.now(UTC), text=text)


@pytest.mark.parametrize(("offered", "typed", "choice"), [
    (OFFERED, "1", "submit"), (OFFERED, " 2 ", "edit:name"), (OFFERED, "KIRIM", "submit"),
    (OFFERED, "kirim!", "submit"), (OFFERED, "✅ Kirim", "submit"), (OFFERED, "ya", "submit"),
    (OFFERED, "Yes", "submit"), (OFFERED, "submit", "submit"), (OFFERED, "nama", "edit:name"),
    (OFFERED, "Cancel", "cancel"), (CONSENT, "YA", "consent:yes"), (CONSENT, "setuju", "consent:yes"),
    (CONSENT, "agree", "consent:yes"), (CONSENT, "2", "consent:no"), (CONSENT, "Tidak", "consent:no"),
    (OFFERED, "4", None), (OFFERED, "Jl. Merdeka 10", None), (OFFERED, "🙂", None), ([], "1", None),
])
def test_a_typed_answer_picks_the_offered_choice(
    offered: list[list[str]], typed: str, choice: str | None
) -> None:
    resolved = resolve_choice(_msg(typed), offered)
    assert resolved.choice == choice
    assert resolved.text == (None if choice else typed)


@pytest.mark.parametrize(("text", "command"), [
    ("LAPOR", ("lapor", "")), ("report", ("report", "")), ("Status ADU-7K3M9Q", ("status", "ADU-7K3M9Q")),
    ("BATAL", ("batal", "")), ("cancel", ("cancel", "")), ("Bahasa en", ("bahasa", "en")),
    ("LANGUAGE", ("language", "")), ("bantuan", ("bantuan", "")), ("HELP", ("help", "")),
    ("/lapor", ("lapor", "")), ("STOP", ("stop", "")), ("berhenti", ("berhenti", "")),
    ("MULAI", ("mulai", "")), ("Start", ("start", "")),
    ("Lapor jalan rusak di depan rumah", None), ("Budi Santoso", None), ("halo", None), ("1", None),
    ("", None),
])
def test_whole_message_keywords_stand_for_commands(text: str, command: tuple[str, str] | None) -> None:
    assert keyword_command(text) == command


async def test_stop_opts_out_and_mulai_opts_back_in(resident: Resident) -> None:
    await resident.agree()
    assert "tidak akan lagi menerima notifikasi" in "\n".join(r.text for r in await resident.say("/stop"))
    with Session(resident.conversations.engine) as session:
        [reporter] = session.exec(select(Reporter)).all()
    assert reporter.opted_out_at is not None
    replies = await resident.say("/mulai")
    assert "Notifikasi aktif kembali" in replies[0].text and replies[1].buttons
    with Session(resident.conversations.engine) as session:
        [reporter] = session.exec(select(Reporter)).all()
    assert reporter.opted_out_at is None
    assert "Notifikasi" not in (await resident.say("/mulai"))[0].text
