"""Random texts, photos, pins, button presses and commands: nothing given is lost, no reply is empty."""

from __future__ import annotations

import asyncio
import tempfile
import uuid
from datetime import UTC, datetime
from pathlib import Path

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from sqlmodel import Session, select

from handlers.choices import resolve_choice
from handlers.draft import SLOTS, Draft
from handlers.engine import Conversations
from handlers.messages import Inbound
from handlers.turn import FlowConfig
from helpers import Resident, jpeg
from storage.db import make_engine, upgrade
from storage.media import MediaStore
from storage.models import Complaint, Conversation, Reporter

PHOTO = jpeg(64, 48)
TEXTS = ["Budi Santoso", "Jl. Merdeka No. 10, RT 03/RW 05, Cipete", "halo", "ubah", "kirim", "1", "2", "3",
         "ya", "selesai", "Sampah menumpuk di pinggir kali dekat pasar sejak Senin.", "", "kategori", "🙂"]
COMMANDS = ["/lapor", "/status", "/batal", "/start", "/bantuan", "/tambah", "/bahasa en", "/report"]
# Choices that drop a slot on purpose (pressed, or picked by a typed number, label or word).
DROPS = ("cancel:yes", "draft:restart", "photo:remove:", "consent:no", "erase:yes")

Action = tuple[str, object]
actions = st.one_of(
    st.tuples(st.just("text"), st.sampled_from(TEXTS) | st.text(max_size=30)),
    st.tuples(st.just("photo"), st.sampled_from([None, "Jalan berlubang besar di depan sekolah kami."])),
    st.tuples(st.just("pin"), st.just(None)),
    st.tuples(st.just("press"), st.integers(min_value=0, max_value=20)),
    st.tuples(st.just("command"), st.sampled_from(COMMANDS)),
)


def state(conversations: Conversations, user_id: str) -> tuple[Draft | None, int, list[list[str]]]:
    """The resident's draft, how many reports they filed, and the choices a typed answer can pick."""
    with Session(conversations.engine) as session:
        reporter = session.exec(select(Reporter).where(Reporter.external_id == user_id)).first()
        if reporter is None:
            return None, 0, []
        conversation = session.exec(
            select(Conversation).where(Conversation.reporter_id == reporter.id)).first()
        data = conversation.data if conversation else {}
        raw = data.get("draft")
        filed = len(session.exec(select(Complaint).where(Complaint.reporter_id == reporter.id)).all())
        return (Draft.from_json(raw) if raw else None), filed, data.get("choices") or []


def typed_choice(text: str, offered: list[list[str]]) -> str:
    """The offered choice a typed text picks (by number, label or word), as the engine reads it."""
    msg = Inbound(channel="test", user_id="-", chat_id="-", event_ids=("-",), received_at=datetime.now(UTC),
                  text=text)
    return resolve_choice(msg, offered).choice or ""


async def play(conversations: Conversations, steps: list[Action]) -> None:
    resident = Resident(conversations, uuid.uuid4().hex[:12])
    await resident.agree()
    for kind, value in steps:
        before, filed_before, offered_choices = state(conversations, resident.user_id)
        pressed = ""
        if kind == "text":
            pressed = typed_choice(str(value), offered_choices)
            replies = await resident.say(str(value)) if not str(value).startswith("/") else []
        elif kind == "photo":
            replies = await resident.photo(PHOTO, caption=value if isinstance(value, str) else None)
        elif kind == "pin":
            replies = await resident.pin()
        elif kind == "command":
            replies = await resident.say(str(value))
        else:
            offered = [b.data for r in resident.last for row in r.buttons for b in row]
            if not offered:
                continue
            pressed = offered[int(value) % len(offered)]  # type: ignore[call-overload]
            replies = await resident.press(pressed)
        if kind == "text" and str(value).startswith("/"):
            continue
        assert replies and all(r.text.strip() for r in replies), (kind, value, replies)
        after, filed_after, _offered = state(conversations, resident.user_id)
        if before is None or pressed.startswith(DROPS) or (kind == "command" and value == "/batal"):
            continue
        if after is None:
            assert filed_after == filed_before + 1, (kind, value, "the draft vanished without being filed")
            continue
        for slot in SLOTS:
            if before.has(slot):
                assert after.has(slot), (kind, value, slot)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(steps=st.lists(actions, min_size=1, max_size=12))
# Typing "2" at "continue or start over?" starts over on purpose: a typed choice counts like a press.
@example(steps=[("photo", None), ("command", "/lapor"), ("text", "2")])
def test_no_slot_is_lost_and_every_reply_says_something(steps: list[Action]) -> None:
    with tempfile.TemporaryDirectory() as folder:
        engine = make_engine(f"sqlite:///{Path(folder) / 'aduan.db'}")
        upgrade(engine)
        try:
            conversations = Conversations(engine=engine, config=FlowConfig(), media=MediaStore(Path(folder)))
            asyncio.run(play(conversations, steps))
        finally:
            engine.dispose()
