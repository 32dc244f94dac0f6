"""The WhatsApp channel at work: webhook messages stored, then handled in order, replies sent at once.

Twilio's webhook is answered once the message is in the webhook inbox (bot/common/inbox.py), so a crash
after the answer loses nothing and a redelivered MessageSid is handled once. Twilio gives a message no
sequence number (a MessageSid is random, and the form carries no time), so a resident's messages are
handled in the order they were stored, which the database keeps across instances.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from datetime import datetime

import aiohttp
from sqlmodel import Session
from twilio.base.exceptions import TwilioRestException
from twilio.rest import Client

from bot.common.inbox import Inbox
from bot.common.reply_journal import Owed, ReplyJournal, before_send
from bot.whatsapp.messages import CHANNEL, TwilioMedia, render, reporter_id, sender_address, to_inbound
from bot.whatsapp.twilio_api import UNSUBSCRIBED, TwilioAccount, send_whatsapp
from handlers.engine import Conversations
from handlers.messages import Reply
from scheduler.metrics import TURN_SECONDS, count_update
from storage.deliveries import held_updates, mark_followed_up, record_sent, update_delivery
from storage.inbox import QueuedEvent
from storage.models import Reporter, utcnow
from storage.outbox import enqueue
from storage.reporters import get_reporter

log = logging.getLogger(__name__)


class WhatsAppChannel:
    """Feeds stored webhook messages to the flows one resident at a time and answers through Twilio."""

    channel = CHANNEL

    def __init__(self, conversations: Conversations, client: Client, account: TwilioAccount,
                 media: TwilioMedia, *, clock: Callable[[], datetime] = utcnow) -> None:
        self.conversations = conversations
        self.client = client
        self.account = account
        self.clock = clock
        conversations.add_channel(CHANNEL, media.fetch)
        self.journal = ReplyJournal(conversations.engine)
        self.inbox = Inbox(conversations.engine, conversations, self)

    async def accept(self, form: Mapping[str, str]) -> bool:
        """Store one webhook message (committed on return) and start handling it; False for a redelivery."""
        resident = reporter_id(sender_address(form))
        return await self.inbox.accept(form["MessageSid"], resident, dict(form))

    async def turn(self, batch: list[QueuedEvent]) -> None:
        """Handle stored messages through the flows and answer each (the inbox's `Feed`)."""
        for queued in batch:
            msg = to_inbound(queued.payload, received_at=queued.stored_at)
            count_update(msg)
            try:
                with TURN_SECONDS.labels(msg.channel).time():
                    replies = await self.conversations.handle(msg)
                if replies:
                    await self._answer(msg.chat_id, replies, key=queued.event_id)
            except Exception:  # one bad message must not stop the resident's queue
                log.exception("failed to answer a WhatsApp message")

    async def resend(self, batch: list[QueuedEvent], owed: Owed) -> None:
        """Send what a turn that ran before a crash had not sent (the inbox's `Feed`)."""
        await self._answer(owed.chat_id, owed.replies, key=batch[0].event_id, start=owed.start)

    async def _answer(self, chat_id: str, replies: list[Reply], *, key: str, start: int = 0) -> None:
        """Send a turn's replies, each counted in the journal as it goes, then what templates held back."""
        user_id = reporter_id(chat_id)
        reporter, locale = await self.conversations.run_db(self._reporter, user_id)
        deferred = False  # once one reply waits in the outbox, the ones after it wait there too, in order
        for index, reply in enumerate(replies, start=start):
            deferred = await self.journal.counted(self.send(chat_id, [reply], reporter_id=reporter,
                                                            key=f"{key}:{index}", locale=locale,
                                                            deferred=deferred))
        await self._follow_up_templates(user_id, chat_id)

    async def send(self, chat_id: str, replies: list[Reply], *, reporter_id: int | None,
                   key: str | None = None, locale: str | None = None, deferred: bool = False) -> bool:
        """Send replies in order; a resident who unsubscribed is skipped.

        When Twilio is busy or unreachable (429, 5xx, network), or an earlier reply already had to wait
        (`deferred`), this body and the ones after it go to the outbox under `key`, so the dispatcher
        retries them in order instead of losing them; then True.
        """
        language = locale or self.conversations.config.default_locale
        bodies = [body for reply in replies for body in render(reply, language)]
        if deferred and key is not None:
            await self.conversations.run_db(self._retry_later, chat_id, bodies, reporter_id=reporter_id,
                                            key=key)
            return True
        for index, body in enumerate(bodies):
            try:
                await before_send()
                sid, status = await send_whatsapp(self.client, self.account, to=chat_id, body=body)
            except TwilioRestException as exc:
                log.warning("WhatsApp reply not sent: Twilio error %s (%s)", exc.code, exc.status)
                if exc.code == UNSUBSCRIBED:
                    return False
                if key is not None and (exc.status == 429 or exc.status >= 500):
                    await self.conversations.run_db(self._retry_later, chat_id, bodies[index:],
                                                    reporter_id=reporter_id, key=key)
                    return True
                continue
            except (TimeoutError, aiohttp.ClientError) as exc:
                log.warning("WhatsApp reply not sent: %s", type(exc).__name__)
                if key is not None:
                    await self.conversations.run_db(self._retry_later, chat_id, bodies[index:],
                                                    reporter_id=reporter_id, key=key)
                    return True
                return False
            await self.conversations.run_db(self._record_sent, sid, status, chat_id, reporter_id)
        return False

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

    async def _follow_up_templates(self, user_id: str, chat_id: str) -> None:
        """Updates that went out only as a template while the window was closed: now send them in full."""
        reporter_id, owed = await self.conversations.run_db(self._held_updates, user_id)
        if reporter_id is None or not owed:
            return
        await self.send(chat_id, [Reply(text) for _sid, text in owed], reporter_id=reporter_id)
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
        """Finish every stored message under way here (tests wait on it; at shutdown the inbox stops)."""
        await self.inbox.idle()
