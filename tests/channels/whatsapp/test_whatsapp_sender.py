"""The WhatsApp outbox sender against a fake Twilio: the 24-hour window, templates, Twilio errors."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from fake_twilio import FakeTwilio
from live_whatsapp import RESIDENT, live_whatsapp, whatsapp_settings
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from bot.whatsapp.sender import WhatsAppSender
from bot.whatsapp.twilio_api import TwilioAccount, build_client, close_client
from handlers.choices import resolve_choice
from handlers.messages import Button, Inbound
from scheduler.sending import Outgoing, SendFailure
from storage.models import Conversation, Outbox, Reporter, SentMessage
from storage.outbox import enqueue

NOW = datetime(2026, 11, 22, 9, 0, tzinfo=UTC)


@dataclass
class Setup:
    fake: FakeTwilio
    sender: WhatsAppSender
    engine: Engine
    reporter_id: int


@pytest.fixture
async def setup(engine: Engine, db_url: str, tmp_path: Path) -> AsyncIterator[Setup]:
    async with FakeTwilio() as fake:
        account = TwilioAccount.from_settings(whatsapp_settings(fake, db_url, tmp_path))
        client = build_client(account)
        with Session(engine, expire_on_commit=False) as session:
            reporter = Reporter(channel="whatsapp", external_id="+6281234567890", chat_id=RESIDENT,
                                locale="id")
            session.add(reporter)
            session.commit()
        assert reporter.id is not None
        try:
            yield Setup(fake, WhatsAppSender(client, account, engine, clock=lambda: NOW), engine, reporter.id)
        finally:
            await close_client(client)


def _outgoing(setup: Setup, *, last_inbound: timedelta | None,
              template: dict[str, str] | None = None) -> Outgoing:
    with Session(setup.engine) as session:
        row = enqueue(session, channel="whatsapp", chat_id=RESIDENT, text="Laporan ADU-7K3M9Q: Diproses",
                      kind="status", dedupe_key=f"k{last_inbound}", due_at=NOW, reporter_id=setup.reporter_id,
                      template=template)
        session.commit()
        assert row is not None and row.id is not None
        outbox_id = row.id
    return Outgoing(id=outbox_id, channel="whatsapp", chat_id=RESIDENT, kind="status",
                    text="Laporan ADU-7K3M9Q: Diproses", template=template, reporter_id=setup.reporter_id,
                    last_inbound_at=None if last_inbound is None else NOW - last_inbound)


async def test_inside_the_window_the_update_goes_as_free_text(setup: Setup) -> None:
    sid = await setup.sender.deliver(_outgoing(setup, last_inbound=timedelta(hours=3)))
    [post] = setup.fake.posts
    assert (post["Body"], post["To"]) == ("Laporan ADU-7K3M9Q: Diproses", RESIDENT)
    assert "ContentSid" not in post
    with Session(setup.engine) as session:
        sent = session.get(SentMessage, sid)
    assert sent is not None and not sent.via_template


@pytest.mark.parametrize("last_inbound", [timedelta(hours=25), timedelta(hours=23, minutes=58), None])
async def test_outside_the_window_the_approved_template_is_sent(
    setup: Setup, last_inbound: timedelta | None
) -> None:
    variables = {"1": "ADU-7K3M9Q", "2": "Diproses"}
    await setup.sender.deliver(_outgoing(setup, last_inbound=last_inbound, template=variables))
    [post] = setup.fake.posts
    assert post["ContentSid"] == "HX" + "1" * 32 and "Body" not in post
    assert json.loads(post["ContentVariables"]) == variables


async def test_63016_resends_the_update_as_the_template(setup: Setup) -> None:
    setup.fake.fail_next(1, status=400, code=63016, message="outside the allowed window")
    await setup.sender.deliver(_outgoing(setup, last_inbound=timedelta(hours=2)))
    [post] = setup.fake.posts
    assert json.loads(post["ContentVariables"]) == {"1": "Laporan ADU-7K3M9Q: Diproses"}


async def test_21610_marks_the_reporter_opted_out_and_is_not_retried(setup: Setup) -> None:
    setup.fake.fail_next(1, status=400, code=21610, message="unsubscribed recipient")
    with pytest.raises(SendFailure) as failure:
        await setup.sender.deliver(_outgoing(setup, last_inbound=timedelta(hours=2)))
    assert (failure.value.kind, failure.value.code) == ("unreachable", "21610")
    with Session(setup.engine) as session:
        reporter = session.get(Reporter, setup.reporter_id)
    assert reporter is not None and reporter.opted_out_at == NOW
    with pytest.raises(SendFailure) as again:
        await setup.sender.deliver(_outgoing(setup, last_inbound=timedelta(hours=1)))
    assert again.value.code == "opted_out" and setup.fake.posts == []


@pytest.mark.parametrize(("status", "code", "kind"), [
    (500, 20500, "retry"), (503, 20503, "retry"), (429, 20429, "rate_limited"), (400, 21211, "permanent"),
])
async def test_twilio_errors_map_to_what_the_dispatcher_should_do(
    setup: Setup, status: int, code: int, kind: str
) -> None:
    setup.fake.fail_next(1, status=status, code=code)
    with pytest.raises(SendFailure) as failure:
        await setup.sender.deliver(_outgoing(setup, last_inbound=timedelta(hours=1)))
    assert failure.value.kind == kind


async def test_a_reporter_who_answers_a_template_gets_the_full_update(
    engine: Engine, db_url: str, tmp_path: Path
) -> None:
    async with live_whatsapp(engine, db_url, tmp_path) as whatsapp:
        await whatsapp.say("BANTUAN")
        with Session(engine) as session:
            reporter = session.exec(select(Reporter)).one()
            row = enqueue(session, channel="whatsapp", chat_id=RESIDENT, kind="status", dedupe_key="s1",
                          text="Laporan ADU-7K3M9Q sekarang: Sedang dikerjakan", due_at=NOW,
                          reporter_id=reporter.id, template={"1": "ADU-7K3M9Q"})
            session.commit()
            assert row is not None and row.id is not None
            outgoing = Outgoing(id=row.id, channel="whatsapp", chat_id=RESIDENT, kind="status", text=row.text,
                                template=row.template, reporter_id=reporter.id,
                                last_inbound_at=NOW - timedelta(days=2))
        sid = await whatsapp.service.sender.deliver(outgoing)
        assert "ContentSid" in whatsapp.fake.posts[-1]
        answers = await whatsapp.send(Body="halo")
        assert answers[-1] == "Laporan ADU-7K3M9Q sekarang: Sedang dikerjakan"
        assert "Sedang dikerjakan" not in "\n".join(await whatsapp.send(Body="halo lagi"))
        with Session(engine) as session:
            sent = session.get(SentMessage, sid)
            assert sent is not None and sent.followed_up_at is not None
            assert session.get(Outbox, row.id) is not None


async def test_buttons_become_a_numbered_list_a_typed_number_answers(setup: Setup) -> None:
    message = _outgoing(setup, last_inbound=timedelta(hours=1))
    buttons = ((Button("👍 Ya, sudah beres", "fixed:ADU-7K3M9Q:yes"),
                Button("👎 Belum", "fixed:ADU-7K3M9Q:no")),)
    await setup.sender.deliver(replace(message, buttons=buttons))
    [post] = setup.fake.posts
    assert post["Body"].endswith("*1.* 👍 Ya, sudah beres\n*2.* 👎 Belum")
    with Session(setup.engine) as session:
        offered = session.exec(select(Conversation).where(
            Conversation.reporter_id == setup.reporter_id)).one().data["choices"]
    typed = Inbound(channel="whatsapp", user_id="+6281234567890", chat_id=RESIDENT, event_ids=("SM1",),
                    received_at=NOW, text="2")
    assert resolve_choice(typed, offered).choice == "fixed:ADU-7K3M9Q:no"
