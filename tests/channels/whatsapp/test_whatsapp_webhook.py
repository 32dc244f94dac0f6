"""The webhook server: signatures, replays, media from Twilio, status callbacks and the health check."""

from __future__ import annotations

import pytest
from live_whatsapp import LiveWhatsApp, fixture_form, sign
from sqlmodel import Session, col, select

from bot.whatsapp.webhook import STATUS_PATH
from helpers import jpeg
from storage.models import Conversation, Outbox, ProcessedEvent, Reporter, SentMessage


def _engine(whatsapp: LiveWhatsApp):  # type: ignore[no-untyped-def]
    return whatsapp.service.channel.conversations.engine


@pytest.mark.parametrize("signature", ["", "bm90IGEgc2lnbmF0dXJl", "wrong-token"])
async def test_a_missing_or_wrong_signature_is_refused_and_changes_nothing(
    whatsapp: LiveWhatsApp, signature: str
) -> None:
    form = fixture_form("text")
    if signature == "wrong-token":
        signature = sign("/webhook/whatsapp", form, token="0" * 32)
    assert await whatsapp.post(form, signature=signature) == 403
    assert whatsapp.fake.posts == []
    with Session(_engine(whatsapp)) as session:
        assert session.exec(select(Reporter)).all() == []


async def test_a_signature_over_other_fields_is_refused(whatsapp: LiveWhatsApp) -> None:
    form = fixture_form("text")
    signature = sign("/webhook/whatsapp", form)
    assert await whatsapp.post({**form, "Body": "LAPOR"}, signature=signature) == 403
    assert whatsapp.fake.posts == []


async def test_a_replayed_message_sid_is_acknowledged_and_ignored(whatsapp: LiveWhatsApp) -> None:
    form = fixture_form("text")
    assert await whatsapp.post(form) == 200
    answered = len(whatsapp.fake.posts)
    assert answered >= 1
    assert await whatsapp.post(form) == 200
    assert len(whatsapp.fake.posts) == answered
    with Session(_engine(whatsapp)) as session:
        [event] = session.exec(select(ProcessedEvent)).all()
    assert (event.channel, event.event_id) == ("whatsapp", form["MessageSid"])


async def test_the_webhook_answers_with_empty_twiml_before_the_work_is_done(whatsapp: LiveWhatsApp) -> None:
    form = fixture_form("text")
    headers = {"X-Twilio-Signature": sign("/webhook/whatsapp", form)}
    async with whatsapp.http.post(whatsapp.url + "/webhook/whatsapp", data=form, headers=headers) as response:
        assert response.status == 200
        assert "<Response></Response>" in await response.text()
    await whatsapp.service.channel.drain()


async def _consented(whatsapp: LiveWhatsApp) -> None:
    await whatsapp.say("LAPOR")
    await whatsapp.say("YA")


@pytest.mark.parametrize(("content_type", "fail_with", "expected"), [
    ("application/pdf", None, "bukan gambar"),
    ("image/jpeg", 500, "gagal saya unduh"),
    ("image/jpeg", 401, "gagal saya unduh"),
])
async def test_media_that_cannot_be_used_gets_a_clear_answer_and_keeps_the_draft(
    whatsapp: LiveWhatsApp, content_type: str, fail_with: int | None, expected: str
) -> None:
    await _consented(whatsapp)
    await whatsapp.say("Budi Santoso")
    answer = await whatsapp.photo(jpeg(), content_type=content_type, fail_with=fail_with)
    assert expected in answer.lower()
    assert "lokasi" in answer.lower()  # the name given before is kept; the next question follows
    if content_type == "application/pdf":
        assert whatsapp.fake.media_requests == []  # never downloaded


async def test_media_is_fetched_only_from_the_configured_twilio_host(whatsapp: LiveWhatsApp) -> None:
    await _consented(whatsapp)
    answers = await whatsapp.send(NumMedia="1", MediaUrl0="http://127.0.0.2:9/evil.jpg",
                                  MediaContentType0="image/jpeg", Body="")
    assert "gagal saya unduh" in "\n".join(answers).lower()
    assert whatsapp.fake.media_requests == []


async def test_several_photos_in_one_message_are_all_kept(whatsapp: LiveWhatsApp) -> None:
    await _consented(whatsapp)
    form = fixture_form("multiple_media", whatsapp.fake)
    for index in range(2):
        path = form[f"MediaUrl{index}"].removeprefix(whatsapp.fake.url)
        whatsapp.fake.media[path] = (jpeg(color=(index * 90, 10, 10)), "image/jpeg")
    await whatsapp.post(form)
    assert len(whatsapp.fake.media_requests) == 2
    with Session(_engine(whatsapp)) as session:
        [conversation] = session.exec(select(Conversation)).all()
    assert len(conversation.data["draft"]["photos"]) == 2


async def test_status_callbacks_update_the_delivery_state_and_never_go_back(whatsapp: LiveWhatsApp) -> None:
    await whatsapp.say("BANTUAN")
    with Session(_engine(whatsapp)) as session:
        [sent] = session.exec(select(SentMessage)).all()
    callback = fixture_form("status_delivered")
    for status in ("delivered", "sent", "read"):
        form = {**callback, "MessageSid": sent.provider_id, "SmsSid": sent.provider_id,
                "MessageStatus": status, "SmsStatus": status}
        assert await whatsapp.post(form, path=STATUS_PATH) == 204
    assert await whatsapp.post({**callback, "MessageSid": sent.provider_id}, path=STATUS_PATH,
                               signature="bad") == 403
    with Session(_engine(whatsapp)) as session:
        stored = session.get(SentMessage, sent.provider_id)
    assert stored is not None and stored.status == "read"


async def test_health_check_answers_when_the_database_does(whatsapp: LiveWhatsApp) -> None:
    async with whatsapp.http.get(whatsapp.url + "/healthz") as response:
        assert response.status == 200
        assert (await response.json()) == {"status": "ok", "database": "ok"}


@pytest.mark.parametrize("status", [429, 503])
async def test_a_reply_twilio_could_not_take_waits_in_the_outbox(whatsapp: LiveWhatsApp, status: int) -> None:
    whatsapp.fake.fail_next(1, status=status, code=20429 if status == 429 else 20500)
    assert await whatsapp.post(fixture_form("text")) == 200
    await whatsapp.service.channel.drain()
    assert whatsapp.fake.posts == []  # nothing went out, and nothing was lost:
    with Session(_engine(whatsapp)) as session:
        queued = session.exec(select(Outbox).order_by(col(Outbox.id))).all()
    resident = fixture_form("text")["From"]
    assert {(q.kind, q.status, q.chat_id) for q in queued} == {("reply", "queued", resident)}
    assert "UU PDP" in queued[-1].text
