"""The WhatsApp sender of outbox messages: free-form inside the 24-hour window, the template outside."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

import aiohttp
from sqlalchemy.engine import Engine
from sqlmodel import Session
from twilio.base.exceptions import TwilioRestException
from twilio.rest import Client

from bot.whatsapp.messages import CHANNEL, render
from bot.whatsapp.twilio_api import OUTSIDE_WINDOW, UNSUBSCRIBED, TwilioAccount, send_whatsapp
from handlers.messages import Reply
from scheduler.sending import Outgoing, SendFailure
from storage.deliveries import record_sent
from storage.models import Reporter, utcnow
from storage.turns import offer_choices

WINDOW = timedelta(hours=24)
# Keep a little margin: a message accepted at 23:59:59 may reach WhatsApp after the window closed.
WINDOW_MARGIN = timedelta(minutes=5)


class WhatsAppSender:
    """Sends outbox messages over WhatsApp through Twilio (a `scheduler.sending.Sender`)."""

    channel = CHANNEL

    def __init__(self, client: Client, account: TwilioAccount, engine: Engine, *,
                 clock: Callable[[], datetime] = utcnow) -> None:
        self.client = client
        self.account = account
        self.engine = engine
        self.clock = clock

    def in_window(self, last_inbound_at: datetime | None) -> bool:
        """Whether a free-form message may still go to someone who last wrote at `last_inbound_at`."""
        return last_inbound_at is not None and self.clock() - last_inbound_at < WINDOW - WINDOW_MARGIN

    async def deliver(self, message: Outgoing) -> str | None:
        """Send `message`; return the Twilio message SID, or raise SendFailure."""
        if self._opted_out(message.reporter_id):
            raise SendFailure("permanent", "the reporter opted out of notifications", code="opted_out")
        if self.in_window(message.last_inbound_at):
            try:
                return await self._send(message, template=None)
            except SendFailure as failure:
                if failure.code != str(OUTSIDE_WINDOW):
                    raise
        return await self._send(message, template=self._variables(message))

    def _variables(self, message: Outgoing) -> dict[str, str]:
        if not self.account.template_status_sid:
            raise SendFailure("permanent", "outside the 24-hour window and no TWILIO_TEMPLATE_STATUS_SID",
                              code=str(OUTSIDE_WINDOW))
        return dict(message.template) if message.template else {"1": message.text[:1000]}

    async def _send(self, message: Outgoing, *, template: dict[str, str] | None) -> str:
        bodies = (render(Reply(message.text, buttons=message.buttons), self._locale(message.reporter_id))
                  if template is None else [""])
        first: str | None = None
        for body in bodies:
            sid, status = await self._create(message, body=body or None, template=template)
            first = first or sid
            with Session(self.engine) as session:
                record_sent(session, provider_id=sid, channel=CHANNEL, chat_id=message.chat_id,
                            status=status, now=self.clock(), reporter_id=message.reporter_id,
                            outbox_id=message.id, via_template=template is not None)
                if template is None and message.buttons and message.reporter_id is not None:
                    # WhatsApp has no buttons: the numbered list just sent is what a typed answer picks.
                    offer_choices(session.connection(), reporter_id=message.reporter_id, now=self.clock(),
                                  choices=[[b.data, b.label] for row in message.buttons for b in row])
                session.commit()
        assert first is not None
        return first

    async def _create(self, message: Outgoing, *, body: str | None,
                      template: dict[str, str] | None) -> tuple[str, str]:
        try:
            return await send_whatsapp(self.client, self.account, to=message.chat_id, body=body,
                                       template=template)
        except TwilioRestException as exc:
            raise self._failure(exc, message) from exc
        except (TimeoutError, aiohttp.ClientError) as exc:
            raise SendFailure("retry", f"network: {type(exc).__name__}") from exc

    def _failure(self, exc: TwilioRestException, message: Outgoing) -> SendFailure:
        code = str(exc.code) if exc.code is not None else None
        detail = f"twilio {exc.status} error {code}: {exc.msg}"[:400]
        if exc.code == UNSUBSCRIBED:
            self._record_opt_out(message.reporter_id)
            return SendFailure("unreachable", detail, code=code)
        if exc.code == OUTSIDE_WINDOW:
            return SendFailure("permanent", detail, code=code)
        if exc.status == 429:
            return SendFailure("rate_limited", detail, retry_after=1.0, code=code)
        if exc.status >= 500:
            return SendFailure("retry", detail, code=code)
        return SendFailure("permanent", detail, code=code)

    def _locale(self, reporter_id: int | None) -> str:
        if reporter_id is None:
            return "id"
        with Session(self.engine) as session:
            reporter = session.get(Reporter, reporter_id)
            return reporter.locale if reporter is not None else "id"

    def _opted_out(self, reporter_id: int | None) -> bool:
        if reporter_id is None:
            return False
        with Session(self.engine) as session:
            reporter = session.get(Reporter, reporter_id)
            return reporter is not None and reporter.opted_out_at is not None

    def _record_opt_out(self, reporter_id: int | None) -> None:
        if reporter_id is None:
            return
        with Session(self.engine) as session:
            reporter = session.get(Reporter, reporter_id)
            if reporter is not None and reporter.opted_out_at is None:
                now = self.clock()
                reporter.opted_out_at = reporter.unreachable_at = reporter.updated_at = now
                session.add(reporter)
                session.commit()
