"""Runs each inbound message through the flows: once only, in the reporter's language, state in the DB."""

from __future__ import annotations

import copy
import logging
from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Any

from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from handlers.i18n import _, pick_locale, use_locale
from handlers.media import Fetcher, prepare
from handlers.messages import Attachment, Inbound, Reply
from handlers.privacy import pending_messages
from handlers.router import respond
from handlers.turn import FlowConfig, PreparedPhoto, Turn
from storage.media import MediaStore
from storage.models import Reporter, utcnow
from storage.operators import find_operator
from storage.reporters import (
    already_processed,
    get_conversation,
    get_or_create_reporter,
    get_reporter,
    mark_processed,
    save_conversation,
)

log = logging.getLogger(__name__)


class Conversations:
    """The one entry point every channel adapter hands its inbound messages to."""

    def __init__(
        self, *, engine: Engine, config: FlowConfig, media: MediaStore,
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        self.engine = engine
        self.config = config
        self.media = media
        self.clock = clock
        self._fetchers: dict[str, Fetcher] = {}

    def add_channel(self, channel: str, fetch: Fetcher) -> None:
        """Register how a channel hands over the files its residents send."""
        self._fetchers[channel] = fetch

    async def handle(self, msg: Inbound) -> list[Reply]:
        """The replies to `msg`; nothing when the same delivery was handled before."""
        try:
            return await self._handle(msg)
        except Exception:
            log.exception("failed to handle a %s message", msg.channel)
            with use_locale(self.config.default_locale):
                return [Reply(_("Sorry, something went wrong on our side. What you sent before "
                                "is kept; please try that again in a moment."))]

    async def _handle(self, msg: Inbound) -> list[Reply]:
        now = self.clock()
        if not msg.attachments and msg.choice != "consent:yes":
            # Nothing to fetch first: one transaction reads, decides and writes (the common, fast case).
            replies, _used, discarded = self._decide(msg, self._reporter_id(msg, now), {}, now)
            self._delete(discarded)
            return replies
        with Session(self.engine, autoflush=False) as session:
            if already_processed(session, channel=msg.channel, event_ids=msg.event_ids):
                return []
            reporter = get_reporter(session, channel=msg.channel, external_id=msg.user_id)
            if reporter is None:
                reporter = self._first_contact(msg, now)
            data = dict(get_conversation(session, reporter_id=_id(reporter)).data)
        prepared = await self._prepare(self._attachments(msg, reporter, data), msg.channel)
        try:
            replies, used, discarded = self._decide(msg, _id(reporter), prepared, now)
        except BaseException:
            self._delete(p.stored.path for p in prepared.values() if p.stored)
            raise
        self._delete(p.stored.path for p in prepared.values() if p.stored and p.stored.path not in used)
        self._delete(discarded)
        return replies

    def _reporter_id(self, msg: Inbound, now: datetime) -> int:
        with Session(self.engine) as session:
            reporter = get_reporter(session, channel=msg.channel, external_id=msg.user_id)
            return _id(reporter if reporter is not None else self._first_contact(msg, now))

    def _first_contact(self, msg: Inbound, now: datetime) -> Reporter:
        locale = pick_locale(msg.language_code, self.config.default_locale)
        for _attempt in range(2):
            try:
                with Session(self.engine, expire_on_commit=False) as session:
                    reporter = get_or_create_reporter(
                        session, channel=msg.channel, external_id=msg.user_id,
                        chat_id=msg.chat_id, profile_name=msg.profile_name, locale=locale, now=now)
                    session.commit()
                    return reporter
            except IntegrityError:  # another instance created the reporter first
                continue
        raise RuntimeError("could not create the reporter")

    def _attachments(self, msg: Inbound, reporter: Reporter, data: dict[str, Any]) -> list[Attachment]:
        if msg.choice == "consent:yes" and reporter.consent_at is None:
            return [a for kept in pending_messages(data) for a in kept.attachments]
        if reporter.consent_at is None or msg.command or msg.choice:
            return []
        return list(msg.attachments)

    async def _prepare(self, attachments: list[Attachment], channel: str) -> dict[str, PreparedPhoto]:
        if not attachments:
            return {}
        fetch = self._fetchers.get(channel)
        if fetch is None:
            return {a.ref: PreparedPhoto(problem="unavailable") for a in attachments}
        return await prepare(attachments, fetch=fetch, store=self.media,
                             max_bytes=self.config.max_photo_bytes)

    def _decide(
        self, msg: Inbound, reporter_id: int, prepared: dict[str, PreparedPhoto], now: datetime
    ) -> tuple[list[Reply], set[str], list[str]]:
        with Session(self.engine, autoflush=False, expire_on_commit=False) as session:
            if already_processed(session, channel=msg.channel, event_ids=msg.event_ids):
                return [], set(), []
            reporter = session.get(Reporter, reporter_id)
            assert reporter is not None
            if msg.profile_name and reporter.profile_name != msg.profile_name:
                reporter.profile_name = msg.profile_name
            reporter.last_inbound_at = now  # opens WhatsApp's 24-hour window, among others
            conversation = get_conversation(session, reporter_id=reporter_id)
            turn = Turn(session=session, config=self.config, msg=msg, reporter=reporter,
                        step=conversation.step, data=copy.deepcopy(conversation.data), now=now,
                        media=self.media, prepared=prepared,
                        operator=find_operator(session, channel=msg.channel, external_id=msg.user_id))
            with use_locale(reporter.locale):
                replies = respond(turn)
            _offer_choices(turn.data, replies)
            save_conversation(session, conversation=conversation, step=turn.step, data=turn.data,
                              now=now)
            session.add(reporter)
            mark_processed(session, channel=msg.channel, event_ids=msg.event_ids, now=now)
            try:
                session.commit()
            except IntegrityError:  # the same delivery was handled meanwhile elsewhere
                session.rollback()
                return [], set(), []
            return replies, turn.used_files, turn.discarded_files

    def _delete(self, paths: Iterable[str]) -> None:
        for path in paths:
            self.media.delete(path)


def _id(reporter: Reporter) -> int:
    assert reporter.id is not None
    return reporter.id


def _offer_choices(data: dict[str, object], replies: list[Reply]) -> None:
    """Remember the last offered buttons, so a typed number or label can pick one."""
    offered = next((r.buttons for r in reversed(replies) if r.buttons), ())
    if offered:
        data["choices"] = [[b.data, b.label] for row in offered for b in row]
    else:
        data.pop("choices", None)
