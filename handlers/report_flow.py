"""Opening, resuming and filing a report, and the menu a resident without one sees."""

from __future__ import annotations

from dataclasses import replace

from handlers import categories
from handlers.at_summary import drop_offer
from handlers.deadlines import filing_deadlines
from handlers.draft import Draft
from handlers.i18n import _
from handlers.intake import next_prompt
from handlers.messages import Button, Reply
from handlers.operators import alerts
from handlers.prompts import status_label
from handlers.publication import where_it_will_be_public
from handlers.turn import Turn
from storage.complaints import NewComplaint, file_complaint
from storage.models import ComplaintStatus
from storage.reporters import IDLE


def is_blank(draft: Draft | None) -> bool:
    """Whether no slot of the report was filled yet (an empty draft is not an unfinished report)."""
    return draft is None or not (draft.name or draft.address or draft.latitude is not None
                                 or draft.photos or draft.description)


def led_by(lead: str, replies: list[Reply]) -> list[Reply]:
    """`lead` as the first paragraph of the first reply: one message to read instead of two."""
    if not replies or replies[0].photo_path:
        return [Reply(lead), *replies]
    first = replies[0]
    return [replace(first, text=f"{lead}\n\n{first.text}"), *replies[1:]]


def new_report(turn: Turn) -> list[Reply]:
    """Open an empty report and ask for its first slot."""
    draft = Draft()
    turn.save_draft(draft)
    return next_prompt(turn, draft)


def resume(turn: Turn) -> list[Reply]:
    """Go on with the open report, or show the menu when there is none."""
    draft = turn.draft
    if draft is None:
        return [menu()]
    return next_prompt(turn, draft)


def menu() -> Reply:
    """The greeting with what a resident can do."""
    return Reply(_("Hello! I am Aduan, the complaint service of your local government. "
                   "Report a public-service problem here (roads, waste, flooding, street "
                   "lighting, ...) and follow it until it is fixed."), buttons=(
        (Button(_("📝 Make a report"), "menu:report"),),
        (Button(_("🔎 My reports"), "menu:status"), Button(_("❓ Help"), "menu:help")),
        (Button(_("🌐 Language"), "menu:language"),),
    ))


def submit(turn: Turn, draft: Draft) -> list[Reply]:
    """File the complete report and tell the resident its tracking code and what happens next."""
    if draft.missing() or turn.data.get("editing"):
        return next_prompt(turn, draft)
    assert draft.name and draft.description
    complaint = file_complaint(turn.connection, reporter=turn.reporter, now=turn.now,
                               prefix=turn.config.ticket_prefix,
                               starting=filing_deadlines(turn.now, turn.config), report=NewComplaint(
        name=draft.name, address=draft.address, latitude=draft.latitude,
        longitude=draft.longitude, location_source=draft.location_source,
        description=draft.description, category=draft.category or categories.OTHER,
        privacy=draft.privacy, photos=draft.photos, kelurahan=draft.kelurahan, kecamatan=draft.kecamatan,
        outside_area=draft.outside_area))
    for key in ("draft", "editing"):
        turn.data.pop(key, None)
    drop_offer(turn)
    turn.step = IDLE
    alerts.new_complaint(turn, complaint)
    return [Reply(_(
        "✅ Thank you, {name}. Your report is filed.\n\n"
        "Tracking code: {code}\n"
        "Status: {status}\n\n"
        "What happens next: the admin desk checks it within {verify} working days and forwards "
        "it to the responsible agency, which follows up within {followup} working days. "
        "I will message you here when anything changes. Check any time with /status {code}."
    ).format(name=draft.name, code=complaint.code,
             status=status_label(ComplaintStatus.RECEIVED),
             verify=turn.config.verify_days, followup=turn.config.followup_days)
        + where_it_will_be_public(complaint, turn.config))]
