"""One turn of a conversation: the message, the reporter, the stored state and the settings."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time
from functools import cached_property
from typing import Any

from sqlalchemy.engine import Connection
from sqlmodel import Session

from handlers.draft import Draft
from handlers.geography import Geography
from handlers.i18n import switch_locale
from handlers.messages import Inbound, Reply
from storage.media import MediaStore, StoredPhoto
from storage.models import Operator, Reporter
from storage.operators import find_operator

# The privacy notice's version, kept with every answer to it: bump it whenever its text changes.
NOTICE_VERSION = "2026-12"


@dataclass(frozen=True)
class FlowConfig:
    """The settings the conversation flows need, whatever the channel."""

    ticket_prefix: str = "ADU"
    max_photos: int = 5
    max_photo_bytes: int = 10 * 1024 * 1024
    default_locale: str = "id"
    timezone: str = "Asia/Jakarta"
    retention_years: int = 5
    verify_days: int = 3
    followup_days: int = 5
    feedback_days: int = 10
    status_update_every_days: int = 3
    quiet_hours: tuple[time, time] = (time(21, 0), time(6, 0))
    local_holidays: tuple[date, ...] = ()
    operator_chat_id: str | None = None
    followup_window_hours: float = 72.0
    geography: Geography | None = field(default=None, compare=False)
    duplicate_radius_m: float = 150.0
    duplicate_days: int = 30
    # The root of the public pages, for the report links reporters are given (None: no links).
    public_base_url: str | None = None


class NeedsPendingPhotos(Exception):
    """The turn accepts the notice but the photos kept before it are not fetched: fetch, then run again."""


@dataclass(frozen=True, slots=True)
class PreparedPhoto:
    """A fetched attachment: stored and cleaned, or refused with a reason."""

    stored: StoredPhoto | None = None
    gps: tuple[float, float] | None = None
    problem: str | None = None


@dataclass
class Turn:
    """Everything a flow step may read and change while handling one inbound message."""

    connection: Connection
    config: FlowConfig
    msg: Inbound
    reporter: Reporter
    step: str
    data: dict[str, Any]
    now: datetime
    media: MediaStore
    prepared: dict[str, PreparedPhoto] = field(default_factory=dict)
    used_files: set[str] = field(default_factory=set)
    discarded_files: list[str] = field(default_factory=list)
    # Set when the resident's data was erased in this turn: their state must not be written back.
    erased: bool = False
    # An operator's read-only view, already computed outside the turn's write transaction.
    view: list[Reply] | None = None

    @cached_property
    def session(self) -> Session:
        """An ORM session inside the turn's transaction, opened on first use (most turns need none)."""
        # rollback_only: the engine commits the turn's transaction, once, with the turn's state.
        return Session(bind=self.connection, autoflush=False, expire_on_commit=False,
                       join_transaction_mode="rollback_only")

    def flush(self) -> None:
        """Write what the flows added through the session (the engine commits)."""
        session = self.__dict__.get("session")
        if session is not None:
            session.flush()
            session.close()

    @cached_property
    def operator(self) -> Operator | None:
        """The active operator behind this chat account, if it is one (looked up only when asked)."""
        return find_operator(self.session, channel=self.msg.channel, external_id=self.msg.user_id)

    @property
    def draft(self) -> Draft | None:
        """The unfinished report, if one is open."""
        raw = self.data.get("draft")
        return Draft.from_json(raw) if raw is not None else None

    def save_draft(self, draft: Draft | None) -> None:
        """Keep `draft` as the open report, or close it with None (its photos are dropped)."""
        if draft is None:
            old = self.draft
            if old is not None:
                self.discarded_files.extend(p.path for p in old.photos)
            for key in ("draft", "editing", "offered_text", "offered_as_address"):
                self.data.pop(key, None)
            return
        self.data["draft"] = draft.to_json()

    def set_locale(self, locale: str) -> None:
        """Switch the reporter's language from this reply on."""
        self.reporter.locale = locale
        self.reporter.updated_at = self.now
        switch_locale(locale)
