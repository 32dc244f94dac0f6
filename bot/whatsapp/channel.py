"""The WhatsApp channel at work: webhook messages handled in the background, replies sent at once."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Mapping
from datetime import datetime

import aiohttp
from sqlmodel import Session
from twilio.base.exceptions import TwilioRestException
from twilio.rest import Client

from bot.common.keyed_locks import KeyedLocks
from bot.whatsapp.messages import CHANNEL, TwilioMedia, render, to_inbound
from bot.whatsapp.twilio_api import UNSUBSCRIBED, TwilioAccount, send_whatsapp
from handlers.engine import Conversations
from handlers.messages import Inbound, Reply
from scheduler.metrics import TURN_SECONDS, count_update
from storage.deliveries import held_updates, mark_followed_up, record_sent, update_delivery
from storage.models import Reporter, utcnow
from storage.outbox import enqueue
from storage.reporters import get_reporter

log = logging.getLogger(__name__)


class WhatsAppChannel:
    """Feeds webhook messages to the flows one resident at a time and answers through Twilio."""

    def __init__(self, conversations: Conversations, client: Client, account: TwilioAccount,
                 media: TwilioMedia, *, clock: Callable[[], datetime] = utcnow) -> None:
        self.conversations = conversations
        self.client = client
        self.account = account
        self.clock = clock
        self.locks = KeyedLocks()
        self._tasks: set[asyncio.Task[None]] = set()
        conversations.add_channel(CHANNEL, media.fetch)

    def receive(self, form: Mapping[str, str]) -> None:
        """Start handling one webhook message in the background (the webhook answers at once)."""
        msg = to_inbound(form, received_at=self.clock())
        count_update(msg)
        # Tasks start in creation order, so each resident's messages take the lock in arrival order.
        task = asyncio.create_task(self._run(msg))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _run(self, msg: Inbound) -> None:
        async with self.locks.hold(msg.user_id):
            try:
                with TURN_SECONDS.labels(msg.channel).time():
                    replies = await self.conversations.handle(msg)
                if replies:
                    reporter_id, locale = await self.conversations.run_db(self._reporter, msg.user_id)
                    await self.send(msg.chat_id, replies, reporter_id=reporter_id, key=msg.event_ids[0],
                                    locale=locale)
                    await self._follow_up_templates(msg)
            except Exception:
                log.exception("failed to answer a WhatsApp message")

    async def send(self, chat_id: str, replies: list[Reply], *, reporter_id: int | None,
                   key: str | None = None, locale: str | None = None) -> None:
        """Send replies in order; a resident who unsubscribed is skipped.

        When Twilio is busy or unreachable (429, 5xx, network), this body and the ones after it go
        to the outbox under `key`, so the dispatcher retries them in order instead of losing them.
        """
        language = locale or self.conversations.config.default_locale
        bodies = [body for reply in replies for body in render(reply, language)]
        for index, body in enumerate(bodies):
            try:
                sid, status = await send_whatsapp(self.client, self.account, to=chat_id, body=body)
            except TwilioRestException as exc:
                log.warning("WhatsApp reply not sent: Twilio error %s (%s)", exc.code, exc.status)
                if exc.code == UNSUBSCRIBED:
                    return
                if key is not None and (exc.status == 429 or exc.status >= 500):
                    await self.conversations.run_db(self._retry_later, chat_id, bodies[index:],
                                            reporter_id=reporter_id, key=key)
                    return
                continue
            except (TimeoutError, aiohttp.ClientError) as exc:
                log.warning("WhatsApp reply not sent: %s", type(exc).__name__)
                if key is not None:
                    await self.conversations.run_db(self._retry_later, chat_id, bodies[index:],
                                            reporter_id=reporter_id, key=key)
                return
            await self.conversations.run_db(self._record_sent, sid, status, chat_id, reporter_id)

    def _record_sent(self, sid: str, status: str, chat_id: str, reporter_id: int | None) -> None:
        # No reporter behind the number any more (it erased its data in this very turn): keep no number.
        kept_chat = chat_id if reporter_id is not None else ""
        with Session(self.conversations.engine) as session:
            record_sent(session, provider_id=sid, channel=CHANNEL, chat_id=kept_chat, status=status,
                        now=self.clock(), reporter_id=reporter_id)
            session.commit()

    def _retry_later(self, chat_id: str, bodies: list[str], *, reporter_id: int | None, key: str) -> None:
        if reporter_id is None:  # nobody is behind the number any more (erased this turn): keep no copy of it
            log.info("a WhatsApp reply to a resident who erased their data could not be sent; dropped")
            return
        now = self.clock()
        with Session(self.conversations.engine) as session:
            for index, body in enumerate(bodies):
                enqueue(session, channel=CHANNEL, chat_id=chat_id, text=body, kind="reply", urgent=True,
                        dedupe_key=f"reply:{key}:{index}", due_at=now, reporter_id=reporter_id)
            session.commit()

    async def _follow_up_templates(self, msg: Inbound) -> None:
        """Updates that went out only as a template while the window was closed: now send them in full."""
        reporter_id, owed = await self.conversations.run_db(self._held_updates, msg.user_id)
        if reporter_id is None or not owed:
            return
        await self.send(msg.chat_id, [Reply(text) for _sid, text in owed], reporter_id=reporter_id)
        await self.conversations.run_db(self._followed_up, [sid for sid, _text in owed])

    def _held_updates(self, user_id: str) -> tuple[int | None, list[tuple[str, str]]]:
        with Session(self.conversations.engine) as session:
            reporter_id = self._reporter_id(user_id, session)
            if reporter_id is None:
                return None, []
            return reporter_id, [(sent.provider_id, outbox.text) for sent, outbox in
                                 held_updates(session, reporter_id=reporter_id)]

    def _followed_up(self, provider_ids: list[str]) -> None:
        with Session(self.conversations.engine) as session:
            mark_followed_up(session, provider_ids=provider_ids, now=self.clock())
            session.commit()

    def _reporter(self, user_id: str) -> tuple[int | None, str | None]:
        with Session(self.conversations.engine) as session:
            reporter = get_reporter(session, channel=CHANNEL, external_id=user_id)
            return (reporter.id, reporter.locale) if reporter else (None, None)

    def _reporter_id(self, user_id: str, session: Session | None = None) -> int | None:
        if session is None:
            with Session(self.conversations.engine) as own:
                return self._reporter_id(user_id, own)
        reporter = get_reporter(session, channel=CHANNEL, external_id=user_id)
        return reporter.id if reporter else None

    def delivery_status(self, form: dict[str, str]) -> None:
        """Apply one status callback to the message it is about."""
        sid, status = form.get("MessageSid") or form.get("SmsSid"), form.get("MessageStatus")
        if not sid or not status:
            return
        error = form.get("ErrorCode") or None
        with Session(self.conversations.engine) as session:
            sent = update_delivery(session, provider_id=sid, status=status.lower(), error_code=error,
                                   now=self.clock())
            if sent is not None and error == str(UNSUBSCRIBED) and sent.reporter_id is not None:
                reporter = session.get(Reporter, sent.reporter_id)
                if reporter is not None and reporter.opted_out_at is None:
                    reporter.opted_out_at = reporter.updated_at = self.clock()
                    session.add(reporter)
            session.commit()

    async def drain(self) -> None:
        """Finish every message under way (at shutdown)."""
        while self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)
