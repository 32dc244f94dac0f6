"""Adding to a filed report: a photo or text after filing asks where it belongs; /tambah CODE on purpose."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from typing import Any

from handlers.draft import PHOTO_FIELDS, Draft, description_problem
from handlers.i18n import _, ngettext, use_locale
from handlers.intake import next_prompt, take
from handlers.messages import Button, Reply
from handlers.operators.relay import answered, notify_handlers
from handlers.smalltalk import is_smalltalk
from handlers.turn import Turn
from storage.additions import add_to_complaint, latest_complaint_of, open_complaints_of
from storage.codes import normalize
from storage.complaints import find_complaint
from storage.media import StoredPhoto
from storage.models import Complaint
from storage.reporters import IDLE

PENDING = "followup"  # the message waiting for the resident to say where it belongs
WAITING = "followup"  # the conversation's step meanwhile (its kept photos expire like a draft's)
ADDING = "adding"  # the code /tambah chose, waiting for what to add


def applies(turn: Turn) -> bool:
    """Whether the message (with no report open) is content that may belong to a filed report."""
    msg = turn.msg
    return bool(msg.attachments) or (msg.text is not None and not is_smalltalk(msg.text))


def targets(turn: Turn) -> list[Complaint]:
    """The reports it may go to: the open ones, and the last filed within the follow-up window."""
    assert turn.reporter.id is not None
    found = open_complaints_of(turn.session, reporter_id=turn.reporter.id)
    latest = latest_complaint_of(turn.session, reporter_id=turn.reporter.id)
    window = timedelta(hours=turn.config.followup_window_hours)
    if latest is not None and latest not in found and turn.now - latest.created_at < window:
        found.insert(0, latest)
    return found


def _kept_photos(turn: Turn) -> tuple[list[dict[str, Any]], list[str]]:
    photos, problems = [], []
    for attachment in turn.msg.attachments[:turn.config.max_photos]:
        prepared = turn.prepared.get(attachment.ref)
        if prepared is None or prepared.stored is None:
            problems.append(prepared.problem if prepared and prepared.problem else "unavailable")
            continue
        turn.used_files.add(prepared.stored.path)
        photos.append({**{f: getattr(prepared.stored, f) for f in PHOTO_FIELDS}, "gps": prepared.gps})
    return photos, problems


def offer(turn: Turn, complaints: list[Complaint]) -> list[Reply]:
    """Keep the message and ask: add it to which report, or start a new one?"""
    photos, _problems = _kept_photos(turn)
    text = (turn.msg.text or "").strip() or None
    if not photos and not text:
        return [Reply(_("I could not use that photo. Please send it again as a photo (JPEG or PNG)."))]
    old = turn.data.get(PENDING)
    if old:
        turn.discarded_files.extend(p["path"] for p in old.get("photos", []))
    turn.data[PENDING] = {"text": text, "photos": photos}
    turn.step = WAITING
    buttons = tuple((Button(_("➕ Add to {code}").format(code=c.code), f"add:{c.code}"),) for c in complaints)
    question = (_("Is this for your report {code}? Add it there, or start a new report?").format(
        code=complaints[0].code) if len(complaints) == 1
        else _("Which of your reports is this for? Or start a new report?"))
    return [Reply(question, buttons=(*buttons, (Button(_("📝 New report"), "add:new"),)))]


def choose(turn: Turn, value: str) -> list[Reply]:
    """The resident's pick for the kept message: one of their reports, or a new report."""
    pending = turn.data.pop(PENDING, None)
    turn.step = IDLE
    if pending is None:
        if value != "new":
            return add_command(turn, value)
        return [Reply(_("That message was already handled. Send it again, or /lapor for a new report."))]
    photos = [StoredPhoto(**{f: p[f] for f in PHOTO_FIELDS}) for p in pending["photos"]]
    if value == "new":
        return _new_report(turn, pending, photos)
    complaint = _own(turn, value)
    if complaint is None:
        turn.discarded_files.extend(p.path for p in photos)
        return [Reply(_("That report was not found among your reports. Send /status to see them."))]
    return _attach(turn, complaint, pending["text"], photos)


def _new_report(turn: Turn, pending: dict[str, Any], photos: list[StoredPhoto]) -> list[Reply]:
    draft = Draft(photos=photos)
    gps = next((p["gps"] for p in pending["photos"] if p.get("gps")), None)
    if gps:
        draft.latitude, draft.longitude = gps
        draft.location_source = "exif"
    text = pending["text"]
    if text and photos and description_problem(text) is None:
        draft.description = text
    turn.save_draft(draft)
    if text and not photos:
        turn.msg = replace(turn.msg, choice=None, text=text, attachments=())
        return take(turn)
    return next_prompt(turn, draft)


def _own(turn: Turn, code_text: str) -> Complaint | None:
    code = normalize(code_text.strip(), turn.config.ticket_prefix) if code_text.strip() else None
    complaint = find_complaint(turn.session, code=code) if code else None
    return complaint if complaint is not None and complaint.reporter_id == turn.reporter.id else None


def add_command(turn: Turn, args: str) -> list[Reply]:
    """`/tambah CODE`: the next photo or text goes to that report (without a code: pick one)."""
    if args.strip():
        complaint = _own(turn, args.split()[0])
        if complaint is None:
            return [Reply(_("No report {code} among yours. Send /status to see your reports.").format(
                code=args.split()[0][:20]))]
        turn.data[ADDING] = complaint.code
        return [Reply(_("Send the photo or the text to add to {code}. Send /batal to stop.").format(
            code=complaint.code))]
    complaints = targets(turn)
    if not complaints:
        return [Reply(_("You have no report to add to. Send /lapor to make one."))]
    return [Reply(_("Add to which report?"), buttons=tuple(
        (Button(_("➕ Add to {code}").format(code=c.code), f"add:{c.code}"),) for c in complaints))]


def add_chosen(turn: Turn) -> list[Reply]:
    """Content sent after /tambah CODE: attach it to that report."""
    code = turn.data.pop(ADDING)
    complaint = _own(turn, code)
    photos_json, _problems = _kept_photos(turn)
    photos = [StoredPhoto(**{f: p[f] for f in PHOTO_FIELDS}) for p in photos_json]
    text = (turn.msg.text or "").strip() or None
    if complaint is None or not (photos or text):
        turn.discarded_files.extend(p.path for p in photos)
        return [Reply(_("Nothing was added: please send a photo or text."))]
    return _attach(turn, complaint, text, photos)


def _attach(turn: Turn, complaint: Complaint, text: str | None, photos: list[StoredPhoto]) -> list[Reply]:
    with use_locale(turn.config.default_locale):
        extra = ngettext("{n} photo", "{n} photos", len(photos)).format(n=len(photos)) if photos else ""
        kept = _("Additional information from the reporter: {text}").format(
            text=" · ".join(p for p in (text, extra) if p))
    message = add_to_complaint(turn.session, complaint=complaint, text=kept, photos=photos, now=turn.now)
    back_to = answered(turn, complaint)
    with use_locale(turn.config.default_locale):
        relayed = _("📎 The reporter of {code} adds:\n\n{text}\n\nSee it with /lihat {code}.").format(
            code=complaint.code, text=" · ".join(p for p in (text, extra) if p))
    reached = notify_handlers(turn, complaint, relayed, key=f"added:{message.id}",
                              photo_paths=tuple(p.path for p in photos))
    what = ngettext("{n} photo", "{n} photos", len(photos)).format(n=len(photos)) if photos else ""
    what = " + ".join(p for p in (what, _("your text") if text else "") if p)
    lines = [_("➕ Added to {code}: {what}.").format(code=complaint.code, what=what)]
    lines.append(_("The officers handling it have been told.") if reached
                 else _("It is kept with the report and will be read as soon as an officer is available."))
    if back_to:
        lines.append(_("The report is back to “{status}”.").format(status=back_to))
    return [Reply("\n".join(lines))]
