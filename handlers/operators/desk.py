"""The desk shares the work: an operator takes a complaint, hands it back, and leaves notes for the others."""

from __future__ import annotations

from sqlmodel import Session

from handlers.i18n import _
from handlers.messages import Reply
from handlers.operators.views import is_admin, lookup
from handlers.prompts import status_label
from handlers.turn import Turn
from storage.lifecycle import OPEN
from storage.models import Complaint, Operator
from storage.notes import add_note


def holder_of(session: Session, complaint: Complaint) -> Operator | None:
    """The operator who took the complaint, if one did."""
    return session.get(Operator, complaint.holder_id) if complaint.holder_id is not None else None


def _found(turn: Turn, operator: Operator, args: str, usage: str) -> tuple[Complaint, str] | Reply:
    code, _sep, rest = args.strip().partition(" ")
    if not code:
        return Reply(usage)
    found = lookup(turn, operator, code)
    return Reply(found) if isinstance(found, str) else (found, rest.strip())


def take(turn: Turn, operator: Operator, args: str) -> list[Reply]:
    """`/ambil CODE`: the operator holds the complaint; deadline reminders come to them first."""
    found = _found(turn, operator, args, _("Usage: /ambil CODE"))
    if isinstance(found, Reply):
        return [found]
    complaint, _rest = found
    holder = holder_of(turn.session, complaint)
    if holder is not None and holder.id == operator.id:
        return [Reply(_("You hold {code} already.").format(code=complaint.code))]
    if holder is not None and holder.active:
        return [Reply(_("{code} is held by {name}. They or the admin desk can hand it back with "
                        "/lepas {code}.").format(code=complaint.code, name=holder.name))]
    if complaint.status not in OPEN:
        return [Reply(_("{code} is “{status}”: there is nothing left to take.").format(
            code=complaint.code, status=status_label(complaint.status)))]
    complaint.holder_id = operator.id
    turn.session.add(complaint)
    return [Reply(_("✋ You hold {code} now: its deadline reminders come to you first. Hand it back "
                    "with /lepas {code}; see yours with /antrian saya.").format(code=complaint.code))]


def release(turn: Turn, operator: Operator, args: str) -> list[Reply]:
    """`/lepas CODE`: hand a complaint back to the queue (its holder, or the admin desk for anyone's)."""
    found = _found(turn, operator, args, _("Usage: /lepas CODE"))
    if isinstance(found, Reply):
        return [found]
    complaint, _rest = found
    holder = holder_of(turn.session, complaint)
    if holder is None:
        return [Reply(_("Nobody holds {code}.").format(code=complaint.code))]
    if holder.id != operator.id and not is_admin(operator):
        return [Reply(_("{code} is held by {name}: only they or the admin desk can hand it back.").format(
            code=complaint.code, name=holder.name))]
    complaint.holder_id = None
    turn.session.add(complaint)
    return [Reply(_("↩️ {code} is back in the queue for anyone to take.").format(code=complaint.code))]


def note(turn: Turn, operator: Operator, args: str) -> list[Reply]:
    """`/catatan CODE text`: an internal note, shown to operators only."""
    found = _found(turn, operator, args, _("Usage: /catatan CODE note for the other operators"))
    if isinstance(found, Reply):
        return [found]
    complaint, text = found
    if not text:
        return [Reply(_("Usage: /catatan CODE note for the other operators"))]
    assert complaint.id is not None and operator.id is not None
    add_note(turn.session, complaint_id=complaint.id, operator_id=operator.id, text=text, now=turn.now)
    return [Reply(_("🗒 Note kept on {code}. Only operators see it (in /lihat {code}); the reporter "
                    "never does.").format(code=complaint.code))]
