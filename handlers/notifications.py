"""Opting out of status notifications (STOP / BERHENTI) and back in (MULAI / START)."""

from __future__ import annotations

from handlers.i18n import _
from handlers.messages import Reply
from handlers.turn import Turn


def opt_out(turn: Turn) -> Reply:
    """Stop pushing status updates to the reporter; answers still come when they write."""
    if turn.reporter.opted_out_at is None:
        turn.reporter.opted_out_at = turn.now
        turn.reporter.updated_at = turn.now
    return Reply(_("You will no longer receive status notifications from Aduan. Your reports are "
                   "still handled, and /status shows them any time. Send /mulai to turn "
                   "notifications back on."))


def opt_in(turn: Turn) -> list[Reply]:
    """Push status updates again to a reporter who had opted out (nothing to say otherwise)."""
    if turn.reporter.opted_out_at is None:
        return []
    turn.reporter.opted_out_at = None
    turn.reporter.updated_at = turn.now
    return [Reply(_("Notifications are on again: I will message you here when your reports change."))]
