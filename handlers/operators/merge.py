"""`/arsip CODE duplikat OTHER`: the reporter (and followers) of CODE follow OTHER from then on."""

from __future__ import annotations

from handlers.deadlines import quiet_hours
from handlers.i18n import _, ngettext, use_locale
from handlers.messages import Reply
from handlers.operators.views import lookup
from handlers.turn import Turn
from storage.followers import merge_into
from storage.models import Complaint, Operator, Privacy
from storage.outbox import enqueue_for_reporter


def original(turn: Turn, operator: Operator, duplicate: Complaint, code: str) -> Complaint | str:
    """The complaint `duplicate` repeats, or why it cannot be."""
    found = lookup(turn, operator, code)
    if isinstance(found, str):
        return found
    if found.id == duplicate.id:
        return _("A complaint cannot be a duplicate of itself.")
    return found


def merge(turn: Turn, duplicate: Complaint, target: Complaint) -> Reply:
    """Move the duplicate's reporter and followers to follow `target`, and tell each of them."""
    if target.privacy == Privacy.CONFIDENTIAL:
        # Following would pass on news of a report that is never made public.
        return Reply(_("{other} is confidential, so the reporter of {code} was not made its "
                       "follower.").format(other=target.code, code=duplicate.code))
    moved = merge_into(turn.session, source=duplicate, target=target, now=turn.now)
    due = quiet_hours(turn.config).next_allowed(turn.now)
    for resident in moved:
        with use_locale(resident.locale):
            text = _("🔁 Your report {code} is about the same problem as {other}, which is already being "
                     "handled. You now follow {other} and will get its updates here. Check it with "
                     "/status {other}.").format(code=duplicate.code, other=target.code)
        enqueue_for_reporter(turn.session, reporter=resident, text=text, kind="merged",
                             dedupe_key=f"merged:{duplicate.id}:{target.id}:{resident.id}", due_at=due)
    return Reply(ngettext("🔁 {count} resident of {code} now follows {other} (reported by {n} residents).",
                          "🔁 {count} residents of {code} now follow {other} (reported by {n} residents).",
                          len(moved)).format(count=len(moved), code=duplicate.code, other=target.code,
                                             n=target.reporters_count))
