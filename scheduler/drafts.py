"""Unfinished reports: one reminder after a while, expiry (with its photos) after a day."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Session, col

from handlers.deadlines import quiet_hours
from handlers.draft import Draft
from handlers.i18n import _, ngettext, use_locale
from handlers.report_flow import is_blank
from handlers.turn import FlowConfig
from storage.models import Conversation, Reporter
from storage.outbox import enqueue_for_reporter
from storage.reporters import IDLE


def _stamp(moment: datetime) -> str:
    return f"{moment:%Y%m%d%H%M%S%f}"


def remind_draft(session: Session, *, conversation: Conversation, now: datetime, config: FlowConfig,
                 keep_hours: int = 24) -> bool:
    """Queue the reminder for a draft untouched since `conversation.updated_at`; False if already queued."""
    reporter = session.get(Reporter, conversation.reporter_id)
    raw = conversation.data.get("draft")
    if reporter is None or raw is None or is_blank(Draft.from_json(raw)):
        return False  # nothing was entered: not an unfinished report to remind of
    with use_locale(reporter.locale):
        text = ngettext("📝 You have an unfinished report. Shall we finish it? It is kept for {hours} hour "
                        "from your last message.",
                        "📝 You have an unfinished report. Shall we finish it? It is kept for {hours} hours "
                        "from your last message.", keep_hours).format(hours=keep_hours)
        buttons = [[(_("▶️ Continue"), "draft:continue"), (_("❌ Cancel"), "cancel")]]
    row = enqueue_for_reporter(session, reporter=reporter, text=text, kind="draft_reminder",
                               dedupe_key=f"draft-remind:{conversation.id}:{_stamp(conversation.updated_at)}",
                               due_at=quiet_hours(config).next_allowed(now), buttons=buttons)
    return row is not None


def expire_draft(session: Session, *, conversation: Conversation, now: datetime,
                 config: FlowConfig, keep_hours: int = 24) -> list[str] | None:
    """Drop the draft and tell the resident; the photo paths to delete after the commit.

    None when the resident wrote meanwhile (the conversation changed): then nothing is touched.
    """
    raw = conversation.data.get("draft")
    reporter = session.get(Reporter, conversation.reporter_id)
    if raw is None or reporter is None:
        return None
    data = {k: v for k, v in conversation.data.items() if k not in {"draft", "editing", "choices"}}
    changed = session.exec(
        sa.update(Conversation).where(col(Conversation.id) == conversation.id,
                                      col(Conversation.updated_at) == conversation.updated_at)
        .values(step=IDLE, data=data, updated_at=now)
    ).rowcount
    if not changed:
        return None
    if is_blank(Draft.from_json(raw)):
        return []  # nothing was entered: dropped without a word
    with use_locale(reporter.locale):
        text = ngettext("⌛ Your unfinished report was deleted, with its photos, because it was not "
                        "completed within {hours} hour. Send /lapor to start a new one.",
                        "⌛ Your unfinished report was deleted, with its photos, because it was not "
                        "completed within {hours} hours. Send /lapor to start a new one.",
                        keep_hours).format(hours=keep_hours)
    enqueue_for_reporter(session, reporter=reporter, text=text, kind="draft_expired",
                         dedupe_key=f"draft-expired:{conversation.id}:{_stamp(conversation.updated_at)}",
                         due_at=quiet_hours(config).next_allowed(now))
    return [photo.path for photo in Draft.from_json(raw).photos]


def expire_followup(session: Session, *, conversation: Conversation, now: datetime) -> list[str] | None:
    """Drop a message kept while asking where it belongs (never answered); its photo paths to delete.

    None when the resident wrote meanwhile (the conversation changed): then nothing is touched.
    """
    kept = conversation.data.get("followup")
    if not kept:
        return None
    data = {k: v for k, v in conversation.data.items() if k not in {"followup", "choices"}}
    changed = session.exec(
        sa.update(Conversation).where(col(Conversation.id) == conversation.id,
                                      col(Conversation.updated_at) == conversation.updated_at)
        .values(step=IDLE, data=data, updated_at=now)
    ).rowcount
    return [photo["path"] for photo in kept.get("photos", [])] if changed else None
