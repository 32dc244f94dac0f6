"""Operator actions that move a complaint: verify and forward, progress, ask, resolve, archive, reopen."""

from __future__ import annotations

from handlers import categories
from handlers.i18n import _
from handlers.messages import Button, Reply
from handlers.notices import status_changed
from handlers.operators import merge
from handlers.operators.views import lookup
from handlers.prompts import status_label
from handlers.turn import Turn
from storage.codes import normalize
from storage.lifecycle import ACTIONS, allowed, change_status
from storage.models import Complaint, Operator, OperatorRole
from storage.operators import categories_of, get_agency, list_agencies

ARCHIVE_REASONS = ("lacking_data", "not_authority")
NEEDS_NOTE = frozenset({"progress", "needinfo", "resolve"})


def usage(action: str) -> str:
    """The usage line of an action's command."""
    lines = {
        "verify": _("Usage: /verifikasi CODE AGENCY [note]"),
        "progress": _("Usage: /proses CODE note for the reporter"),
        "needinfo": _("Usage: /butuhinfo CODE question for the reporter"),
        "resolve": _("Usage: /selesai CODE what was done"),
        "archive": _("Usage: /arsip CODE reason (lacking data, not our authority, duplicate CODE, "
                     "or free text)"),
        "reopen": _("Usage: /buka CODE [note]"),
        "category": _("Usage: /kategori CODE CATEGORY ({names})").format(
            names=", ".join(categories.CATEGORIES)),
    }
    return lines[action]


def act(turn: Turn, operator: Operator, action: str, args: str) -> list[Reply]:
    """Run `/action CODE rest` for an operator, refusing what does not fit."""
    code, _sep, rest = args.strip().partition(" ")
    if not code:
        return [Reply(usage(action))]
    found = lookup(turn, operator, code)
    if isinstance(found, str):
        return [Reply(found)]
    if action == "category":
        return _recategorize(turn, found, rest.strip())
    note = rest.strip()
    if not note and action in NEEDS_NOTE:
        return [Reply(usage(action))]
    if OperatorRole(operator.role) not in ACTIONS[action].roles:
        return [Reply(_("Only the admin desk can do that."))]
    if not allowed(action, found.status):
        return [Reply(_("{code} is “{status}”: that action does not apply now.").format(
            code=found.code, status=status_label(found.status)))]
    if action == "verify":
        return _verify(turn, operator, found, note)
    if action == "archive":
        return _archive(turn, operator, found, note)
    return [_move(turn, operator, found, action, note or None)]


def _move(turn: Turn, operator: Operator, complaint: Complaint, action: str, note: str | None,
          *, public: bool = True) -> Reply:
    change = change_status(turn.session, complaint=complaint, to_status=ACTIONS[action].target,
                           actor=f"operator:{operator.id}", note=note, public=public, now=turn.now)
    status_changed(turn.session, complaint=complaint, change=change, now=turn.now, config=turn.config)
    return Reply(_("✅ {code} is now “{status}”. The reporter has been told.").format(
        code=complaint.code, status=status_label(complaint.status)))


def _verify(turn: Turn, operator: Operator, complaint: Complaint, rest: str) -> list[Reply]:
    agency_code, _sep, note = rest.partition(" ")
    if not agency_code:
        agencies = list_agencies(turn.session)
        if not agencies:
            return [Reply(_("No agencies yet: add one with `aduan agency add CODE \"Name\"`."))]
        suggested = [a for a in agencies if complaint.category in categories_of(a)]
        if len(suggested) == 1:  # the one agency that handles this category
            _forward(turn, complaint, suggested[0].id)
            return [_move(turn, operator, complaint, "verify", None)]
        ordered = suggested + [a for a in agencies if a not in suggested]
        labels = [(f"⭐ {a.code}" if a in suggested else a.code, a.code) for a in ordered]
        rows = [tuple(Button(label, f"opv:{complaint.code}:{code}") for label, code in labels[i:i + 3])
                for i in range(0, len(labels), 3)]
        return [Reply(_("Forward {code} to which agency?").format(code=complaint.code), buttons=tuple(rows))]
    agency = get_agency(turn.session, code=agency_code)
    if agency is None:
        known = ", ".join(a.code for a in list_agencies(turn.session)) or "-"
        return [Reply(_("Unknown agency “{code}”. Known agencies: {known}.").format(
            code=agency_code, known=known))]
    _forward(turn, complaint, agency.id)
    return [_move(turn, operator, complaint, "verify", note.strip() or None)]


def _forward(turn: Turn, complaint: Complaint, agency_id: int | None) -> None:
    """Hand the complaint to the agency; whoever held it outside that agency lets go of it."""
    complaint.agency_id = agency_id
    holder = turn.session.get(Operator, complaint.holder_id) if complaint.holder_id else None
    if holder is not None and holder.agency_id != agency_id:
        complaint.holder_id = None


def _archive(turn: Turn, operator: Operator, complaint: Complaint, reason: str) -> list[Reply]:
    if not reason:
        return [Reply(_("Why archive {code}?").format(code=complaint.code), buttons=(
            (Button(_("Lacking supporting data"), f"opa:{complaint.code}:lacking_data"),),
            (Button(_("Not our authority"), f"opa:{complaint.code}:not_authority"),),
        ))]
    word, _sep, other_code = reason.partition(" ")
    if word.lower() in {"duplikat", "duplicate"} and other_code.strip():
        other = merge.original(turn, operator, complaint, other_code.strip())
        if isinstance(other, str):
            return [Reply(other)]
        done = _move(turn, operator, complaint, "archive", archive_reason(turn, reason))
        return [done, merge.merge(turn, complaint, other)]
    return [_move(turn, operator, complaint, "archive", archive_reason(turn, reason))]


def archive_reason(turn: Turn, reason: str) -> str:
    """A standard archive reason in words, a duplicate's code made canonical, or the free text."""
    word, _sep, rest = reason.partition(" ")
    key = word.lower()
    if key in {"lacking_data", "kurang", "lacking"}:
        return _("Archived: the report lacks supporting data.")
    if key in {"not_authority", "bukan", "outside"}:
        return _("Archived: this is outside our authority.")
    if key in {"duplikat", "duplicate"}:
        original = normalize(rest.strip(), turn.config.ticket_prefix)
        if original:
            return _("Archived as a duplicate of {code}.").format(code=original)
    return reason


def _recategorize(turn: Turn, complaint: Complaint, category: str) -> list[Reply]:
    if category not in categories.CATEGORIES:
        return [Reply(usage("category"))]
    complaint.category = category
    complaint.updated_at = turn.now
    turn.session.add(complaint)
    return [Reply(_("✅ {code} is now in category “{category}”.").format(
        code=complaint.code, category=categories.label(category)))]


def choice(turn: Turn, operator: Operator, kind: str, value: str) -> list[Reply]:
    """An operator's button press: forward to an agency or archive with a standard reason."""
    code, _sep, arg = value.partition(":")
    if kind == "opv":
        return act(turn, operator, "verify", f"{code} {arg}".strip())
    if arg in ARCHIVE_REASONS:
        return act(turn, operator, "archive", f"{code} {arg}")
    return act(turn, operator, "archive", code)

