"""Answers to /status: a reporter's own reports in full, anyone else's without personal data."""

from __future__ import annotations

from handlers import categories
from handlers.i18n import _
from handlers.messages import Reply
from handlers.prompts import status_label, when
from handlers.publication import public_link
from handlers.turn import Turn
from storage.codes import normalize
from storage.complaints import complaints_of, find_complaint, history_of
from storage.followers import followed_by
from storage.models import Complaint, Privacy

SNIPPET = 60


def status(turn: Turn, args: str, *, draft_open: bool = False) -> list[Reply]:
    """The status of the code in `args`, or the reporter's own reports (and the unfinished one)."""
    assert turn.reporter.id is not None
    if not args.strip():
        return [_own_list(turn, draft_open=draft_open)]
    code = normalize(args.strip().split()[0], turn.config.ticket_prefix)
    if code is None:
        return [Reply(_("“{text}” is not a tracking code. Codes look like {example}.").format(
            text=args.strip()[:40], example=f"{turn.config.ticket_prefix}-7K3M9Q"))]
    complaint = find_complaint(turn.session, code=code)
    if complaint is None or (complaint.reporter_id != turn.reporter.id
                             and complaint.privacy == Privacy.CONFIDENTIAL):
        return [Reply(_("No report with code {code} was found. Please check the code.").format(
            code=code))]
    if complaint.reporter_id != turn.reporter.id:
        return [Reply(_("Report {code}: {status}\nLast update: {updated}\n\nOther details are "
                        "shown only to the person who reported it.").format(
            code=complaint.code, status=status_label(complaint.status),
            updated=when(complaint.updated_at, turn.config.timezone)))]
    return [_detail(turn, complaint)]


def _detail(turn: Turn, complaint: Complaint) -> Reply:
    assert complaint.id is not None
    tz = turn.config.timezone
    lines = [
        _("Report {code}").format(code=complaint.code),
        _("Status: {status}").format(status=status_label(complaint.status)),
        _("Category: {category}").format(category=categories.label(complaint.category)),
        _("Filed: {date}").format(date=when(complaint.created_at, tz)),
    ]
    link = public_link(complaint, turn.config)
    if link:
        lines.append(_("Public page: {link}").format(link=link))
    lines += ["", _("History:")]
    for change in history_of(turn.session, complaint_id=complaint.id):
        line = f"• {when(change.created_at, tz)}: {status_label(change.to_status)}"
        if change.public and change.note:
            line += f"\n  {change.note}"
        lines.append(line)
    return Reply("\n".join(lines))


def _own_list(turn: Turn, *, draft_open: bool) -> Reply:
    assert turn.reporter.id is not None
    own = complaints_of(turn.session, reporter_id=turn.reporter.id)
    followed = followed_by(turn.session, reporter_id=turn.reporter.id)
    unfinished = _("📝 You have an unfinished report: it is not filed yet. Send /lapor to continue it.")
    if not own and not followed:
        return Reply(unfinished if draft_open
                     else _("You have not filed any reports yet. Send /lapor to make one."))
    lines = [unfinished, ""] if draft_open else []
    if own:
        lines.append(_("Your reports (newest first):"))
    for complaint in own:
        snippet = complaint.description.replace("\n", " ")
        if len(snippet) > SNIPPET:
            snippet = snippet[:SNIPPET - 1] + "…"
        lines.append(f"• {complaint.code}: {status_label(complaint.status)}\n  "
                     f"{when(complaint.created_at, turn.config.timezone)} · {snippet}")
    if followed:
        lines += ([""] if own else []) + [_("Reports you follow:")]
        lines += [f"• {c.code}: {status_label(c.status)}" for c in followed]
    lines.append(_("Send /status followed by a code for the details."))
    return Reply("\n".join(lines))
