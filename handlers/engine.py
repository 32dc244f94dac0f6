"""Runs each inbound message through the flows: once only, in the reporter's language, state in the DB."""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from typing import Any, Literal, ParamSpec, TypeVar

from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import IntegrityError

from handlers.i18n import _, pick_locale, use_locale
from handlers.media import Fetcher, prepare
from handlers.messages import Attachment, Inbound, Reply
from handlers.operators import commands as operators
from handlers.privacy import pending_messages
from handlers.router import respond
from handlers.turn import FlowConfig, NeedsPendingPhotos, PreparedPhoto, Turn
from handlers.wording import use_channel
from storage.locks import lock_resident_turn
from storage.media import MediaStore
from storage.models import Reporter, utcnow
from storage.turns import (
    TurnState,
    claim_events,
    create_reporter,
    load_turn_state,
    save_turn_state,
    seen_before,
)

log = logging.getLogger(__name__)
P = ParamSpec("P")
T = TypeVar("T")
# Refreshed at most this often: a chatting resident's row is not rewritten on every message, and the
# 24-hour window (kept with a 5-minute margin) ends at most this much early.
LAST_INBOUND_PRECISION = timedelta(minutes=1)


class Conversations:
    """The one entry point every channel adapter hands its inbound messages to.

    An operator's read-only views (/antrian, /lihat, /statistik), the long queries, are computed in a
    worker thread, in a read snapshot taken before the turn's write transaction: however long they take,
    the event loop, and with it every other resident's message, goes on, and on SQLite they never hold
    the writer's lock. The rest of a turn's database work goes where `run_db` puts it. The channels keep
    each resident's messages in order (one turn at a time per resident).
    """

    def __init__(
        self, *, engine: Engine, config: FlowConfig, media: MediaStore,
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        self.engine = engine
        self.config = config
        self.media = media
        self.clock = clock
        self._fetchers: dict[str, Fetcher] = {}
        self._threaded = engine.dialect.name != "sqlite"
        self._held = threading.local()
        # Written in the turn's own transaction: the replies it decided (webhook mode keeps them with the
        # stored update, so a crash before they are sent does not lose them).
        self.journal: Callable[[Connection, Inbound, list[Reply]], None] | None = None

    def add_channel(self, channel: str, fetch: Fetcher) -> None:
        """Register how a channel hands over the files its residents send."""
        self._fetchers[channel] = fetch

    async def run_db(self, work: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
        """Run short database work where it costs the event loop least.

        PostgreSQL: in a worker thread, as the driver waits on the network for every statement. SQLite: right
        here, as its statements run in-process in microseconds, and its one writer at a time would make
        threads queue (and a read-then-write transaction fail when another thread wrote in between).
        """
        if self._threaded:
            return await asyncio.to_thread(work, *args, **kwargs)
        return work(*args, **kwargs)

    @contextmanager
    def _connection(self) -> Iterator[Connection]:
        """A connection for a turn's transaction, left in no transaction afterwards.

        On SQLite (turns on the event loop's thread) each thread keeps one open between turns instead
        of taking one from the pool per turn; it holds no transaction, hence no lock or snapshot, between.
        """
        if self._threaded:
            with self.engine.connect() as pooled:
                yield pooled
            return
        connection: Connection | None = getattr(self._held, "connection", None)
        if connection is None or connection.closed or connection.invalidated:
            connection = self._held.connection = self.engine.connect()
        try:
            yield connection
        finally:
            if connection.in_transaction():
                connection.rollback()

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
        view = await asyncio.to_thread(self._view, msg, now) if operators.is_view(msg) else None
        consenting = False
        if not msg.attachments:
            # Nothing to fetch first: one transaction reads, decides and writes (the common, fast case).
            try:
                return await self.run_db(self._decide_and_tidy, msg, now, view)
            except NeedsPendingPhotos:  # the notice accepted with photos kept before it: fetch them first
                consenting = True
        state = await self.run_db(self._peek, msg)
        if state is False:
            return []
        consented = state is not None and state.reporter.consent_at is not None
        attachments = self._attachments(msg, consented=consented, data=state.data if state else {},
                                        consenting=consenting)
        prepared = await self._prepare(attachments, msg.channel)
        try:
            replies, used, discarded = await self.run_db(self._decide, msg, prepared, now, view)
        except BaseException:
            self._delete(p.stored.path for p in prepared.values() if p.stored)
            raise
        self._delete(p.stored.path for p in prepared.values() if p.stored and p.stored.path not in used)
        self._delete(discarded)
        return replies

    def _decide_and_tidy(self, msg: Inbound, now: datetime, view: list[Reply] | None) -> list[Reply]:
        replies, _used, discarded = self._decide(msg, {}, now, view)
        self._delete(discarded)
        return replies

    def _peek(self, msg: Inbound) -> TurnState | Literal[False] | None:
        """The stored state before fetching files; False when the delivery was handled before."""
        with self._connection() as connection:
            # A redelivered photo must not be downloaded again: check before fetching.
            if seen_before(connection, channel=msg.channel, event_ids=msg.event_ids):
                return False
            return load_turn_state(connection, channel=msg.channel, external_id=msg.user_id)

    def _view(self, msg: Inbound, now: datetime) -> list[Reply] | None:
        """An operator's read-only view, computed in a read snapshot (None if the sender is no operator)."""
        with self.engine.connect() as connection:
            state = load_turn_state(connection, channel=msg.channel, external_id=msg.user_id)
            if state is None:  # an operator's first message: their reporter row comes with the turn
                state = TurnState(reporter=Reporter(
                    channel=msg.channel, external_id=msg.user_id, chat_id=msg.chat_id,
                    locale=pick_locale(msg.language_code, self.config.default_locale)))
            turn = Turn(connection=connection, config=self.config, msg=msg, reporter=state.reporter,
                        step=state.step, data=state.data, now=now, media=self.media)
            with use_locale(state.reporter.locale), use_channel(msg.channel):
                replies = operators.view(turn)
            turn.flush()  # closes the view's session; it wrote nothing
            connection.rollback()
            return replies

    @staticmethod
    def _attachments(msg: Inbound, *, consented: bool, data: dict[str, Any],
                     consenting: bool) -> list[Attachment]:
        if consenting and not consented:
            return [a for kept in pending_messages(data) for a in kept.attachments]
        if not consented or msg.command or msg.choice:
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
        self, msg: Inbound, prepared: dict[str, PreparedPhoto], now: datetime, view: list[Reply] | None
    ) -> tuple[list[Reply], set[str], list[str]]:
        # A delivery handled before fails its claim and gets no reply. Any other conflict (another
        # instance created the reporter, or took the tracking code, meanwhile) is tried once more;
        # a second one is a real error and reaches `handle`, which apologises.
        for attempt in range(2):
            with self._connection() as connection:
                try:
                    return self._decide_in(connection, msg, prepared, now, view)
                except _Duplicate:
                    connection.rollback()
                    return [], set(), []
                except IntegrityError:
                    connection.rollback()
                    if attempt:
                        raise
        raise AssertionError("unreachable")

    def _decide_in(
        self, connection: Connection, msg: Inbound, prepared: dict[str, PreparedPhoto], now: datetime,
        view: list[Reply] | None,
    ) -> tuple[list[Reply], set[str], list[str]]:
        """Load, decide and save one turn in one transaction (committed here)."""
        # Several instances may get this resident's updates: one turn at a time, across processes.
        lock_resident_turn(connection, channel=msg.channel, resident=msg.user_id)
        state = load_turn_state(connection, channel=msg.channel, external_id=msg.user_id)
        if state is None:
            state = create_reporter(connection, channel=msg.channel, external_id=msg.user_id,
                                    chat_id=msg.chat_id, profile_name=msg.profile_name, now=now,
                                    locale=pick_locale(msg.language_code, self.config.default_locale))
        # The delivery's key doubles as the duplicate check: a redelivery stops here.
        try:  # only this statement inserts the delivery's key, so a conflict here is a redelivery
            claim_events(connection, channel=msg.channel, event_ids=msg.event_ids, now=now)
        except IntegrityError as exc:
            raise _Duplicate() from exc
        reporter = state.reporter
        if msg.profile_name and reporter.profile_name != msg.profile_name:
            reporter.profile_name = msg.profile_name
        last = reporter.last_inbound_at
        if last is None or now - last >= LAST_INBOUND_PRECISION:
            reporter.last_inbound_at = now  # opens WhatsApp's 24-hour window, among others
        turn = Turn(connection=connection, config=self.config, msg=msg, reporter=reporter,
                    step=state.step, data=state.data, now=now, media=self.media, prepared=prepared, view=view)
        with use_locale(reporter.locale), use_channel(msg.channel):
            replies = respond(turn)
        _offer_choices(turn.data, replies)
        turn.flush()
        if not turn.erased:
            save_turn_state(connection, state=state, step=turn.step, data=turn.data, now=now)
        if self.journal is not None:
            self.journal(connection, msg, replies)
        connection.commit()
        return replies, turn.used_files, turn.discarded_files

    def _delete(self, paths: Iterable[str]) -> None:
        for path in paths:
            self.media.delete(path)


class _Duplicate(Exception):
    """The delivery was handled before."""


def _offer_choices(data: dict[str, object], replies: list[Reply]) -> None:
    """Remember the last offered buttons, so a typed number or label can pick one."""
    offered = next((r.buttons for r in reversed(replies) if r.buttons), ())
    if offered:
        data["choices"] = [[b.data, b.label] for row in offered for b in row]
    else:
        data.pop("choices", None)
