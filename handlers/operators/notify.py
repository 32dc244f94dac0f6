"""Telling the reporter that their complaint moved, through the outbox, in the reporter's language."""

from __future__ import annotations

from handlers.i18n import _, use_locale
from handlers.prompts import status_label
from handlers.turn import Turn
from storage.models import Agency, Complaint, ComplaintStatus, Reporter, StatusChange
from storage.outbox import enqueue_for_reporter


def reporter_notified(turn: Turn, complaint: Complaint, change: StatusChange) -> None:
    """Queue the status notification for the reporter, once per change."""
    reporter = turn.session.get(Reporter, complaint.reporter_id)
    if reporter is None:
        return
    with use_locale(reporter.locale):
        text = _("📣 Update on your report {code}: {status}").format(
            code=complaint.code, status=status_label(complaint.status))
        agency = turn.session.get(Agency, complaint.agency_id) if complaint.agency_id else None
        if complaint.status == ComplaintStatus.VERIFIED and agency is not None:
            text += "\n" + _("Forwarded to: {agency}").format(agency=agency.name)
        if change.public and change.note:
            text += "\n\n" + change.note
        text += "\n\n" + _("Check it any time with /status {code}.").format(code=complaint.code)
    enqueue_for_reporter(turn.session, reporter=reporter, text=text, kind="status",
                         dedupe_key=f"status:{change.id}", due_at=turn.now, complaint_id=complaint.id)
