"""The periodic producers: they read what is due in Aduan's tables and queue messages in the outbox.

Each runs in one transaction per item, so a crash leaves the item either done (its messages queued,
its next date moved on) or untouched; dedupe keys make a repeat harmless.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from handlers.deadlines import OPEN, VERIFY, next_update
from handlers.i18n import _, use_locale
from handlers.notices import day_text, operator_alert, periodic_update, status_changed
from handlers.turn import FlowConfig
from scheduler.drafts import expire_draft, expire_followup, remind_draft
from storage.lifecycle import change_status
from storage.models import Complaint, ComplaintStatus, Conversation, Reporter
from storage.reporters import IDLE

log = logging.getLogger(__name__)
BATCH = 500


@dataclass(frozen=True)
class DraftTimes:
    """When an unfinished report gets its reminder, and when it expires."""

    remind_after: timedelta = timedelta(minutes=60)
    expire_after: timedelta = timedelta(hours=24)

    @property
    def keep_hours(self) -> int:
        """How long a draft is kept, in whole hours, as residents are told."""
        return max(1, round(self.expire_after.total_seconds() / 3600))


def run_producers(engine: Engine, *, now: datetime, config: FlowConfig, drafts: DraftTimes,
                  delete_file: Callable[[str], None]) -> dict[str, int]:
    """Run every producer once; how many items each handled."""
    reminded, expired = draft_followups(engine, now=now, config=config, drafts=drafts,
                                        delete_file=delete_file)
    return {
        "periodic": periodic_updates(engine, now=now, config=config),
        "deadlines": deadline_alerts(engine, now=now, config=config),
        "closed": close_unanswered(engine, now=now, config=config),
        "draft_reminders": reminded,
        "drafts_expired": expired,
    }


def due_ids(engine: Engine, column: Any, now: datetime) -> list[int]:
    """The first BATCH complaints whose `column` (a due time) has come, most overdue first."""
    with Session(engine) as session:
        # Most overdue first, in the order of the column's (due time, id) index.
        ids = session.exec(select(Complaint.id).where(col(column) <= now)
                           .order_by(col(column), col(Complaint.id)).limit(BATCH))
        return [i for i in ids if i is not None]


def periodic_updates(engine: Engine, *, now: datetime, config: FlowConfig) -> int:
    """Tell reporters of open complaints where they stand, every few working days."""
    done = 0
    for complaint_id in due_ids(engine, Complaint.next_update_at, now):
        with Session(engine) as session:
            complaint = session.get(Complaint, complaint_id)
            if complaint is None or complaint.next_update_at is None or complaint.next_update_at > now:
                continue
            reporter = session.get(Reporter, complaint.reporter_id)
            if complaint.status in OPEN and reporter is not None:
                periodic_update(session, complaint=complaint, reporter=reporter, now=now, config=config)
                complaint.next_update_at = next_update(now, config)
            else:
                complaint.next_update_at = None
            session.add(complaint)
            session.commit()
            done += 1
    return done


def deadline_alerts(engine: Engine, *, now: datetime, config: FlowConfig) -> int:
    """Remind the responsible operators a working day before a deadline and at the breach (once each)."""
    done = 0
    for complaint_id in due_ids(engine, Complaint.deadline_remind_at, now):
        with Session(engine) as session:
            complaint = session.get(Complaint, complaint_id)
            if (complaint is None or complaint.deadline_at is None or complaint.deadline_remind_at is None
                    or complaint.deadline_remind_at > now):
                continue
            breached = now >= complaint.deadline_at
            stage = "breach" if breached else "remind"
            due_day = f"{complaint.deadline_at:%Y%m%d}"
            event = f"deadline:{complaint.id}:{complaint.deadline_kind}:{due_day}:{stage}"
            with use_locale(config.default_locale):
                text = _deadline_text(complaint, breached, config)
            operator_alert(session, complaint=complaint, kind=f"deadline_{stage}", text=text, event=event,
                           now=now, config=config, urgent=breached,
                           audiences=("responsible", "team", "admin") if breached else ("responsible",))
            complaint.deadline_remind_at = None if breached else complaint.deadline_at
            session.add(complaint)
            session.commit()
            done += 1
    return done


def _deadline_text(complaint: Complaint, breached: bool, config: FlowConfig) -> str:
    assert complaint.deadline_at is not None
    what = (_("verification and forwarding") if complaint.deadline_kind == VERIFY
            else _("the agency's follow-up"))
    day = day_text(complaint.deadline_at, config.timezone)
    if breached:
        return _("🚨 Deadline missed: {what} of report {code} was due by {date}. "
                 "Escalated to the admin desk.").format(what=what, code=complaint.code, date=day)
    return _("⏰ Reminder: {what} of report {code} is due by {date} (one working day left).").format(
        what=what, code=complaint.code, date=day)


def close_unanswered(engine: Engine, *, now: datetime, config: FlowConfig) -> int:
    """Close resolved complaints whose reporter did not answer within the feedback period."""
    done = 0
    for complaint_id in due_ids(engine, Complaint.feedback_due_at, now):
        with Session(engine) as session:
            complaint = session.get(Complaint, complaint_id)
            if (complaint is None or complaint.status != ComplaintStatus.RESOLVED
                    or complaint.feedback_due_at is None or complaint.feedback_due_at > now):
                continue
            complaint.closed_at = now
            change = change_status(session, complaint=complaint, to_status=ComplaintStatus.CLOSED,
                                   actor="system", note=None, public=True, now=now)
            status_changed(session, complaint=complaint, change=change, now=now, config=config)
            session.commit()
            done += 1
    return done


def stale_drafts(engine: Engine, *, now: datetime, drafts: DraftTimes) -> list[int]:
    """The conversations with an unfinished report untouched for `remind_after`, oldest id first."""
    step, updated = col(Conversation.step), col(Conversation.updated_at)
    found: list[int] = []
    with Session(engine) as session:
        # "Not idle" as the steps before and after it: each a range of the (step, updated_at) index.
        for steps in (step < IDLE, step > IDLE):
            found += [i for i in session.exec(select(Conversation.id).where(
                steps, updated <= now - drafts.remind_after)) if i is not None]
    return sorted(found)


def draft_followups(engine: Engine, *, now: datetime, config: FlowConfig, drafts: DraftTimes,
                    delete_file: Callable[[str], None]) -> tuple[int, int]:
    """Remind residents of unfinished reports once, and expire the ones left too long."""
    reminded = expired = 0
    for conversation_id in stale_drafts(engine, now=now, drafts=drafts):
        with Session(engine) as session:
            conversation = session.get(Conversation, conversation_id)
            if conversation is None:
                continue
            if conversation.data.get("followup") and conversation.updated_at <= now - drafts.expire_after:
                paths = expire_followup(session, conversation=conversation, now=now)
                session.commit()
                for path in paths or []:
                    delete_file(path)
                continue
            if not conversation.data.get("draft"):
                continue
            if conversation.updated_at <= now - drafts.expire_after:
                paths = expire_draft(session, conversation=conversation, now=now, config=config,
                                     keep_hours=drafts.keep_hours)
                if paths is None:
                    continue
                session.commit()
                for path in paths:
                    delete_file(path)
                expired += 1
            elif remind_draft(session, conversation=conversation, now=now, config=config,
                              keep_hours=drafts.keep_hours):
                session.commit()
                reminded += 1
    return reminded, expired
