"""/ubah CODE (/correct): the resident corrects the name or address of a report not yet verified."""

from __future__ import annotations

from handlers.draft import address_problem, clean_text, name_problem
from handlers.i18n import _, use_locale
from handlers.messages import Button, Reply
from handlers.prompts import problem_text, status_label
from handlers.turn import Turn
from storage.codes import normalize
from storage.complaints import find_complaint
from storage.lifecycle import change_status
from storage.models import Complaint, ComplaintStatus

PENDING = "correcting"
FIELDS = {"nama": "name", "name": "name", "alamat": "address", "address": "address"}


def _own(turn: Turn, text: str) -> Complaint | str:
    """The resident's own complaint named by `text` that may still be corrected, or what to answer."""
    example = f"{turn.config.ticket_prefix}-7K3M9Q"
    code = normalize(text, turn.config.ticket_prefix) if text else None
    if code is None:
        return _("Send /ubah with the tracking code of your report, for example /ubah {example}.").format(
            example=example)
    complaint = find_complaint(turn.session, code=code)
    if complaint is None or complaint.reporter_id != turn.reporter.id:
        return _("No report with code {code} was found. Please check the code.").format(code=code)
    if complaint.status != ComplaintStatus.RECEIVED:
        return _("Report {code} can no longer be corrected: it is “{status}”. You can answer the officer "
                 "here, or make a new report with /lapor.").format(
            code=code, status=status_label(complaint.status))
    return complaint


def start(turn: Turn, args: str) -> list[Reply]:
    """`/ubah CODE [nama|alamat NEW]`: correct at once, or ask which field."""
    code, _sep, rest = args.strip().partition(" ")
    found = _own(turn, code)
    if isinstance(found, str):
        return [Reply(found)]
    field_word, _sep, value = rest.strip().partition(" ")
    field = FIELDS.get(field_word.lower())
    if field is not None and value.strip():
        return _apply(turn, found, field, value)
    return [Reply(_("What do you want to correct in {code}?\nName: {name}\nAddress: {address}").format(
        code=found.code, name=found.name, address=found.address or "-"), buttons=(
        (Button(_("✏️ Name"), f"fix:{found.code}:name"),
         Button(_("✏️ Address"), f"fix:{found.code}:address")),))]


def choose(turn: Turn, value: str) -> list[Reply]:
    """A field was picked: ask for the corrected text."""
    code, _sep, field = value.partition(":")
    found = _own(turn, code)
    if isinstance(found, str):
        return [Reply(found)]
    if field not in {"name", "address"}:
        return start(turn, code)
    turn.data[PENDING] = {"code": found.code, "field": field}
    question = (_("Send the correct name for {code}.") if field == "name"
                else _("Send the correct address for {code}."))
    return [Reply(question.format(code=found.code))]


def take(turn: Turn) -> list[Reply]:
    """The corrected text the resident was asked for."""
    pending = turn.data.pop(PENDING)
    found = _own(turn, pending["code"])
    if isinstance(found, str):
        return [Reply(found)]
    return _apply(turn, found, pending["field"], turn.msg.text or "")


def _apply(turn: Turn, complaint: Complaint, field: str, text: str) -> list[Reply]:
    problem = name_problem(text) if field == "name" else address_problem(text)
    if problem is not None:
        turn.data[PENDING] = {"code": complaint.code, "field": field}
        return [Reply(problem_text(f"{field}:{problem}"))]
    value = clean_text(text)
    old = complaint.name if field == "name" else complaint.address
    if field == "name":
        complaint.name = value
    else:
        complaint.address = value
    with use_locale(turn.config.default_locale):  # history notes are read by the officers
        note = (_("Name corrected by the reporter (was: {old})") if field == "name"
                else _("Address corrected by the reporter (was: {old})")).format(old=old or "-")
    change_status(turn.session, complaint=complaint, to_status=ComplaintStatus.RECEIVED,
                  actor=f"reporter:{turn.reporter.id}", note=note, public=True, now=turn.now)
    done = (_("✅ The name in {code} is now: {value}") if field == "name"
            else _("✅ The address in {code} is now: {value}"))
    return [Reply(done.format(code=complaint.code, value=value))]
