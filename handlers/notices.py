"""What is pushed to reporters and operators, queued in the outbox in the caller's transaction."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Literal
from zoneinfo import ZoneInfo

from babel.dates import format_date
from sqlmodel import Session

from handlers.deadlines import expected_by, quiet_hours, refresh_deadlines
from handlers.i18n import _, current_locale, use_locale
from handlers.messages import Button
from handlers.prompts import status_label
from handlers.publication import public_link
from handlers.turn import FlowConfig
from handlers.wording import by_channel, use_channel
from storage.followers import followers_of
from storage.models import Agency, Complaint, ComplaintStatus, Operator, Reporter, StatusChange
from storage.operators import handlers_of
from storage.outbox import enqueue, enqueue_for_reporter

TELEGRAM = "telegram"
Audience = Literal["responsible", "team", "admin"]


def day_text(deadline: datetime, timezone: str) -> str:
    """The last day of a deadline (which ends at local midnight) in the reader's language."""
    last = (deadline - timedelta(seconds=1)).astimezone(ZoneInfo(timezone)).date()
    return format_date(last, "EEEE, d MMMM yyyy", locale=current_locale())


def feedback_buttons(code: str) -> tuple[tuple[Button, ...], ...]:
    """“Is the problem really fixed?”: yes or no (callback data well under Telegram's 64 bytes)."""
    return ((Button(_("👍 Yes, it is fixed"), f"fixed:{code}:yes"),
             Button(_("👎 No, not yet"), f"fixed:{code}:no")),)


def _next_step(complaint: Complaint, config: FlowConfig) -> str:
    due = expected_by(complaint)
    status = complaint.status
    if status in {ComplaintStatus.RECEIVED, ComplaintStatus.REOPENED} and due:
        return _("The admin desk checks it and forwards it to the responsible agency by {date}.").format(
            date=day_text(due, config.timezone))
    if status == ComplaintStatus.VERIFIED and due:
        return _("The agency follows it up by {date}.").format(date=day_text(due, config.timezone))
    if status == ComplaintStatus.IN_PROGRESS:
        return _("The agency is working on it. I will tell you when it is resolved.")
    if status == ComplaintStatus.NEEDS_INFO:
        return _("Please reply in this chat with the information asked for, so the officers can "
                 "go on.")
    if status == ComplaintStatus.RESOLVED:
        return by_channel(_("Is the problem really fixed? Please tell me with the buttons below."),
                          _("Is the problem really fixed? Reply with the number of your answer below."))
    if status == ComplaintStatus.ARCHIVED:
        return _("This report will not be handled further. You can make a new report with /lapor.")
    if status == ComplaintStatus.CLOSED:
        return _("This report is now closed. Thank you for reporting; if the problem comes back, "
                 "make a new report with /lapor.")
    return _("Check it any time with /status {code}.").format(code=complaint.code)


def status_changed(session: Session, *, complaint: Complaint, change: StatusChange, now: datetime,
                   config: FlowConfig) -> None:
    """Queue the news of `change` for the reporter and the followers (once each); refresh the deadlines."""
    refresh_deadlines(session, complaint, now, config=config)
    reporter = session.get(Reporter, complaint.reporter_id)
    due = quiet_hours(config).next_allowed(now)
    if reporter is not None:
        with use_locale(reporter.locale), use_channel(reporter.channel):
            lines = _change_lines(session, complaint, change)
            link = public_link(complaint, config)
            if change.to_status == ComplaintStatus.VERIFIED and link:
                lines.append(_("Your report is now public: {link}").format(link=link))
            lines += ["", _next_step(complaint, config)]
            buttons = ([[(b.label, b.data) for b in row] for row in feedback_buttons(complaint.code)]
                       if change.to_status == ComplaintStatus.RESOLVED else [])
            enqueue_for_reporter(session, reporter=reporter, text="\n".join(lines), kind="status",
                                 dedupe_key=f"status:{change.id}", buttons=buttons, due_at=due)
    assert complaint.id is not None
    for follower in followers_of(session, complaint_id=complaint.id):
        with use_locale(follower.locale), use_channel(follower.channel):
            lines = [_("🔔 Update on {code}, the report you follow").format(code=complaint.code),
                     *_change_lines(session, complaint, change)[1:], "", _follower_next_step(complaint)]
            enqueue_for_reporter(session, reporter=follower, text="\n".join(lines), kind="status",
                                 dedupe_key=f"status:{change.id}:follower:{follower.id}", due_at=due)


def _change_lines(session: Session, complaint: Complaint, change: StatusChange) -> list[str]:
    lines = [_("🔔 Update on your report {code}").format(code=complaint.code),
             _("New status: {status}").format(status=status_label(change.to_status))]
    agency = session.get(Agency, complaint.agency_id) if complaint.agency_id else None
    if change.to_status == ComplaintStatus.VERIFIED and agency is not None:
        lines.append(_("Forwarded to: {agency}").format(agency=agency.name))
    if change.public and change.note:
        label = (_("Reason: {note}") if change.to_status == ComplaintStatus.ARCHIVED
                 else _("Note from the officer: {note}"))
        lines.append(label.format(note=change.note))
    return lines


def _follower_next_step(complaint: Complaint) -> str:
    if complaint.status in {ComplaintStatus.RESOLVED, ComplaintStatus.CLOSED, ComplaintStatus.ARCHIVED}:
        return _("If the problem is still there, make a new report with /lapor.")
    return _("I will tell you when it changes again. Check it any time with /status {code}.").format(
        code=complaint.code)


def periodic_update(session: Session, *, complaint: Complaint, reporter: Reporter, now: datetime,
                    config: FlowConfig) -> None:
    """Queue the “where it stands” update of an open complaint (once per scheduled time)."""
    with use_locale(reporter.locale), use_channel(reporter.channel):
        lines = [_("📋 Your report {code} is still being handled.").format(code=complaint.code),
                 _("Status: {status}").format(status=status_label(complaint.status)),
                 "", _next_step(complaint, config)]
        enqueue_for_reporter(session, reporter=reporter, text="\n".join(lines), kind="periodic",
                             dedupe_key=f"periodic:{complaint.id}:{complaint.next_update_at:%Y%m%d%H%M}",
                             due_at=quiet_hours(config).next_allowed(now))


def operator_recipients(session: Session, complaint: Complaint, config: FlowConfig,
                        audience: Audience) -> list[tuple[str, str]]:
    """Who hears about a complaint's deadlines, as (channel, chat id) pairs.

    The admin desk is its chat `OPERATOR_CHAT_ID`. The responsible operators are the one who took the
    complaint (`/ambil`), else the team: the agency's once the complaint is forwarded (the desk's chat
    while nobody of the agency is registered), and the desk before that.
    """
    desk = [(TELEGRAM, config.operator_chat_id)] if config.operator_chat_id else []
    if audience == "responsible" and complaint.holder_id is not None:
        holder = session.get(Operator, complaint.holder_id)
        if holder is not None and holder.active:  # whoever took the complaint hears first
            return [(holder.channel, holder.external_id)]
    if audience == "admin" or complaint.agency_id is None:
        return desk
    agency = [(o.channel, o.external_id) for o in handlers_of(session, complaint=complaint)]
    return agency or desk


def operator_alert(session: Session, *, complaint: Complaint, kind: str, text: str, event: str,
                   now: datetime, config: FlowConfig, audiences: tuple[Audience, ...] = ("responsible",),
                   urgent: bool = False) -> int:
    """Queue an alert about `complaint` to every recipient of `audiences`, once per event and chat."""
    recipients = {r for audience in audiences
                  for r in operator_recipients(session, complaint, config, audience)}
    due = now if urgent else quiet_hours(config).next_allowed(now)
    queued = 0
    for channel, chat_id in sorted(recipients):
        row = enqueue(session, channel=channel, chat_id=chat_id, text=text, kind=kind, urgent=urgent,
                      dedupe_key=f"{event}:{channel}:{chat_id}", due_at=due)
        queued += row is not None
    return queued
