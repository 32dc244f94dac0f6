"""“Is the problem really fixed?”: the reporter confirms and rates, or reopens the complaint."""

from __future__ import annotations

from handlers.deadlines import refresh_deadlines
from handlers.i18n import _, use_locale
from handlers.messages import Button, Reply
from handlers.notices import day_text, operator_alert
from handlers.turn import Turn
from handlers.wording import by_channel
from storage.codes import normalize
from storage.complaints import find_complaint
from storage.lifecycle import change_status
from storage.models import Complaint, ComplaintStatus

RATINGS = range(1, 6)


def answer(turn: Turn, kind: str, value: str) -> list[Reply]:
    """Handle `fixed:<code>:yes|no` and `rate:<code>:<1-5>` from the reporter of that complaint."""
    raw_code, _sep, answer_value = value.rpartition(":")
    code = normalize(raw_code, turn.config.ticket_prefix)
    complaint = find_complaint(turn.session, code=code) if code else None
    if complaint is None or complaint.reporter_id != turn.reporter.id:
        return [Reply(_("That report was not found among your reports. Send /status to see them."))]
    if kind == "rate":
        return _rate(turn, complaint, answer_value)
    if complaint.status != ComplaintStatus.RESOLVED:
        return [Reply(_("Thank you, your answer about report {code} was already recorded. "
                        "Its status: see /status {code}.").format(code=complaint.code))]
    if answer_value == "yes":
        return _confirmed(turn, complaint)
    if answer_value == "no":
        return _reopen(turn, complaint)
    return [Reply(by_channel(_("Please answer with the buttons."),
                             _("Please answer with the number of a choice.")))]


def _move(turn: Turn, complaint: Complaint, to_status: ComplaintStatus, note: str | None) -> None:
    change_status(turn.session, complaint=complaint, to_status=to_status,
                  actor=f"reporter:{turn.reporter.id}", note=note, public=True, now=turn.now)
    refresh_deadlines(turn.session, complaint, turn.now, config=turn.config)


def rating_buttons(code: str) -> tuple[tuple[Button, ...], ...]:
    """One to five stars, in one row."""
    return (tuple(Button(f"{n} ⭐", f"rate:{code}:{n}") for n in RATINGS),)


def _confirmed(turn: Turn, complaint: Complaint) -> list[Reply]:
    complaint.fixed_confirmed = True
    complaint.closed_at = turn.now
    _move(turn, complaint, ComplaintStatus.CLOSED, None)
    return [Reply(_("Glad to hear it! Report {code} is now closed. How would you rate the way it was "
                    "handled, from 1 (poor) to 5 (excellent)?").format(code=complaint.code),
                  buttons=rating_buttons(complaint.code))]


def _reopen(turn: Turn, complaint: Complaint) -> list[Reply]:
    complaint.fixed_confirmed = False
    complaint.resolved_at = None
    _move(turn, complaint, ComplaintStatus.REOPENED, None)
    assert complaint.deadline_at is not None
    with use_locale(turn.config.default_locale):
        alert = _("🔁 Report {code} reopened: the reporter says the problem is not fixed. "
                  "Verify it again by {date}.").format(
            code=complaint.code, date=day_text(complaint.deadline_at, turn.config.timezone))
    operator_alert(turn.session, complaint=complaint, kind="reopened", urgent=True, now=turn.now,
                   config=turn.config, audiences=("responsible", "admin"), text=alert,
                   event=f"reopened:{complaint.id}:{turn.now:%Y%m%d%H%M%S}")
    return [Reply(_("I am sorry it is not fixed yet. Report {code} is reopened, and the officers "
                    "have been told. The admin desk checks it again by {date}.").format(
        code=complaint.code, date=day_text(complaint.deadline_at, turn.config.timezone)))]


def _rate(turn: Turn, complaint: Complaint, value: str) -> list[Reply]:
    if not value.isdigit() or int(value) not in RATINGS:
        return [Reply(_("Please rate with a number from 1 to 5."), buttons=rating_buttons(complaint.code))]
    if complaint.status != ComplaintStatus.CLOSED or not complaint.fixed_confirmed:
        return [Reply(_("Report {code} cannot be rated now.").format(code=complaint.code))]
    complaint.rating = int(value)
    complaint.updated_at = turn.now
    turn.session.add(complaint)
    return [Reply(_("Thank you for rating report {code} {rating} out of 5. Your answer helps the "
                    "service improve.").format(code=complaint.code, rating=complaint.rating))]
