"""Where each inbound message goes: commands, button presses, consent, and the report itself."""

from __future__ import annotations

from handlers import (
    at_summary,
    before_summary,
    categories,
    corrections,
    feedback,
    followup,
    privacy,
    privacy_rights,
)
from handlers.choices import normalize, resolve_choice
from handlers.draft import DESCRIPTION_MIN
from handlers.edit_choices import EDIT_WORDS, answer_offer, edit, edit_menu, remove_photo, use_name
from handlers.i18n import _
from handlers.intake import CONFIRMING, next_prompt, take
from handlers.messages import Inbound, Reply
from handlers.operators import commands as operators
from handlers.operators import relay
from handlers.operators.help import operator_help
from handlers.prompts import problem_text
from handlers.report_flow import led_by, menu, new_report, resume, submit
from handlers.resident_commands import COMMANDS, cancel, command
from handlers.turn import NeedsPendingPhotos, Turn
from storage.models import Privacy
from storage.reporters import IDLE

VOICE = frozenset({"voice", "audio"})


def respond(turn: Turn) -> list[Reply]:
    """Handle one inbound message and return the replies, updating the turn's state."""
    msg = resolve_choice(turn.msg, turn.data.get("choices") or [])
    turn.msg = msg
    operator_answer = _for_operators(turn)
    if operator_answer is not None:
        return operator_answer
    if msg.group:  # groups are the operators' place; residents report in private chats
        return []
    if msg.command is not None:
        turn.data.pop(corrections.PENDING, None)
        if _edits_the_draft(turn):
            return [edit_menu()]
        return command(turn, COMMANDS.get(msg.command.lower()), msg.args)
    if msg.choice is not None:
        return _choice(turn, msg.choice)
    if msg.text and corrections.PENDING in turn.data:
        return corrections.take(turn)
    if msg.unsupported in VOICE and not (msg.attachments or msg.location or msg.text):
        return _voice(turn)
    if turn.reporter.consent_at is None:
        return privacy.hold(turn)
    if turn.step == CONFIRMING and turn.draft is not None and normalize(msg.text or "") in EDIT_WORDS:
        return [edit_menu()]
    if turn.draft is None:
        if turn.data.get(followup.ADDING) and (msg.attachments or msg.text):
            return followup.add_chosen(turn)
        answered = relay.answered_complaint(turn) if msg.text and not msg.attachments else None
        if answered is not None:
            return relay.from_reporter(turn, answered)
        if followup.applies(turn) and (targets := followup.targets(turn)):
            return followup.offer(turn, targets)
        if not _opens_report(msg):
            return [menu()]
    return take(turn)


def _for_operators(turn: Turn) -> list[Reply] | None:
    """Operator commands and buttons, and /join; None when the message is not one of them."""
    msg = turn.msg
    # Only an operator's command or button needs the operator lookup; residents' messages skip it.
    if msg.command is not None:
        name = msg.command.lower()
        if name in operators.JOIN:
            return operators.join(turn, msg.args)
        is_help = COMMANDS.get(name) == "help"
        operator = turn.operator if name in operators.COMMANDS or is_help else None
        if operator is not None:
            if is_help:
                return [operator_help()]
            return turn.view or operators.command(turn, operator, operators.COMMANDS[name], msg.args)
    elif msg.choice is not None and msg.choice.partition(":")[0] in operators.CHOICES:
        operator = turn.operator
        return (turn.view or operators.choice(turn, operator, msg.choice)) if operator is not None else []
    return None


def _edits_the_draft(turn: Turn) -> bool:
    """UBAH / EDIT alone at the summary edits the report being written (with a code: a filed one)."""
    msg = turn.msg
    return (msg.command is not None and msg.command.lower() in EDIT_WORDS and not msg.args.strip()
            and turn.step == CONFIRMING and turn.draft is not None)


def _opens_report(msg: Inbound) -> bool:
    """A photo or a pin opens a report; free text only when it already reads as a description."""
    return bool(msg.attachments or msg.location) or len((msg.text or "").strip()) >= DESCRIPTION_MIN


def _voice(turn: Turn) -> list[Reply]:
    """A voice note, in any state: it cannot be used yet; what to do instead (and the open question)."""
    answer = problem_text("unsupported:voice")
    draft = turn.draft
    if turn.reporter.consent_at is None or draft is None:
        return [Reply(answer)]
    return led_by(answer, next_prompt(turn, draft))


def _choice(turn: Turn, choice: str) -> list[Reply]:
    kind, _sep, value = choice.partition(":")
    if kind == "lang":
        return command(turn, "language", value)
    if kind == "consent":
        return _consent(turn, accepted=value == "yes")
    if kind in privacy_rights.CHOICES:
        return privacy_rights.choice(turn, kind, value)
    if kind == "menu" and value in {"help", "status", "language"}:
        return command(turn, value, "")
    if turn.reporter.consent_at is None:
        return privacy.hold(turn)
    if kind == "menu" and value == "report":
        return command(turn, "report", "")
    if kind in {"fixed", "rate"}:
        return feedback.answer(turn, kind, value)
    if kind == "add":
        return followup.choose(turn, value)
    if kind == "draft":
        if value == "restart":
            turn.save_draft(None)
            return new_report(turn)
        return resume(turn)
    draft = turn.draft
    if draft is None:
        return [Reply(_("That report was already submitted or cancelled. Send /lapor to start "
                        "a new one, or /status to see your reports."))]
    if kind == "desc":
        return answer_offer(turn, draft, value)
    at_summary.drop_offer(turn)
    if kind in before_summary.CHOICES:
        return before_summary.choice(turn, draft, kind, value) or next_prompt(turn, draft)
    if kind == "name":
        return use_name(turn, draft, value)
    if kind == "edit":
        return edit(turn, draft, value)
    if kind == "photo":
        return remove_photo(turn, draft, value)
    if kind == "cat" and value in categories.CATEGORIES:
        draft.category, draft.category_chosen = value, True
        turn.save_draft(draft)
        return next_prompt(turn, draft)
    if kind == "priv" and value in set(Privacy):
        draft.privacy = value
        turn.save_draft(draft)
        return next_prompt(turn, draft)
    if choice == "submit":
        return submit(turn, draft)
    if kind == "cancel":
        return cancel(turn, confirmed=value == "yes")
    return resume(turn)


def _consent(turn: Turn, *, accepted: bool) -> list[Reply]:
    if turn.reporter.consent_at is not None:
        # A button of an old notice (pressed keyboards stay visible): the answer was given already,
        # and a stray tap must neither repeat it nor take it back.
        return resume(turn) if turn.draft else [menu()]
    privacy.answer(turn, accepted=accepted)
    if not accepted:
        turn.step = IDLE
        return [privacy.declined()]
    kept = privacy.pending_messages(turn.data)
    if not turn.prepared and any(m.attachments for m in kept):
        raise NeedsPendingPhotos()
    turn.data.pop("pending", None)
    thanks = _("Thank you. Let's write your report.")
    if not kept:
        return led_by(thanks, new_report(turn))
    answer: list[Reply] = []
    for message in kept:
        if turn.draft is None and not _opens_report(message):
            continue
        turn.msg = message
        answer = take(turn)
    return led_by(thanks, answer or new_report(turn))
