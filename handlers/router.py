"""Where each inbound message goes: commands, button presses, consent, and the report itself."""

from __future__ import annotations

from dataclasses import replace

from handlers import categories, feedback, notifications, privacy
from handlers.choices import resolve_choice
from handlers.draft import DESCRIPTION_MIN, SLOTS, Draft
from handlers.i18n import LOCALES, _
from handlers.intake import COLLECTING, CONFIRMING, next_prompt, take
from handlers.messages import Button, Inbound, Reply
from handlers.operators import alerts, relay
from handlers.operators import commands as operators
from handlers.prompts import privacy_label, status_label
from handlers.status import status
from handlers.turn import Turn
from scheduler.deadlines import filing_deadlines
from storage.complaints import NewComplaint, file_complaint
from storage.models import ComplaintStatus, Privacy
from storage.reporters import IDLE, last_report_name

COMMANDS = {
    "start": "start", "mulai": "start",
    "lapor": "report", "report": "report",
    "status": "status", "cek": "status",
    "batal": "cancel", "cancel": "cancel",
    "bahasa": "language", "language": "language",
    "bantuan": "help", "help": "help",
    "berhenti": "optout", "stop": "optout",
}


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
        return _command(turn, COMMANDS.get(msg.command.lower()), msg.args)
    if msg.choice is not None:
        return _choice(turn, msg.choice)
    if turn.reporter.consent_at is None:
        return privacy.hold(turn)
    if turn.draft is None and msg.text:
        answered = relay.answered_complaint(turn)
        if answered is not None:
            return relay.from_reporter(turn, answered)
    if turn.draft is None and not _opens_report(msg):
        return [_menu(turn)]
    return take(turn)


def _for_operators(turn: Turn) -> list[Reply] | None:
    """Operator commands and buttons, and /join; None when the message is not one of them."""
    msg = turn.msg
    # Only an operator's command or button needs the operator lookup; residents' messages skip it.
    if msg.command is not None:
        name = msg.command.lower()
        if name in operators.JOIN:
            return operators.join(turn, msg.args)
        operator = turn.operator if name in operators.COMMANDS else None
        if operator is not None:
            return operators.command(turn, operator, operators.COMMANDS[name], msg.args)
    elif msg.choice is not None and msg.choice.partition(":")[0] in operators.CHOICES:
        operator = turn.operator
        return operators.choice(turn, operator, msg.choice) if operator is not None else []
    return None


def _opens_report(msg: Inbound) -> bool:
    """A photo or a pin opens a report; free text only when it already reads as a description."""
    return bool(msg.attachments or msg.location) or len((msg.text or "").strip()) >= DESCRIPTION_MIN


def _command(turn: Turn, command: str | None, args: str) -> list[Reply]:
    if command is None:
        return [Reply(_("I do not know that command. Send /bantuan to see what I can do."))]
    # Help, language, status and opting out touch no personal data: no consent needed for them.
    if command == "help":
        return [_help()]
    if command == "language":
        return _language(turn, args)
    if command == "status":
        return status(turn, args)
    if command == "optout":
        return [notifications.opt_out(turn)]
    back_in = notifications.opt_in(turn) if command == "start" else []
    if turn.reporter.consent_at is None:
        return back_in + privacy.hold(turn)
    if command == "start":
        return back_in + (_resume(turn) if turn.draft else [_menu(turn)])
    if command == "report":
        if turn.draft is not None:
            return [Reply(_("You have an unfinished report. Continue it or start over?"), buttons=(
                (Button(_("▶️ Continue"), "draft:continue"),
                 Button(_("🔄 Start over"), "draft:restart")),))]
        return _new_report(turn)
    return _cancel(turn)


def _choice(turn: Turn, choice: str) -> list[Reply]:
    kind, _sep, value = choice.partition(":")
    if kind == "lang":
        return _language(turn, value)
    if kind == "consent":
        return _consent(turn, accepted=value == "yes")
    if kind == "menu" and value in {"help", "status", "language"}:
        return _command(turn, value, "")
    if turn.reporter.consent_at is None:
        return privacy.hold(turn)
    if kind == "menu" and value == "report":
        return _command(turn, "report", "")
    if kind in {"fixed", "rate"}:
        return feedback.answer(turn, kind, value)
    if kind == "draft":
        if value == "restart":
            turn.save_draft(None)
            return _new_report(turn)
        return _resume(turn)
    draft = turn.draft
    if draft is None:
        return [Reply(_("That report was already submitted or cancelled. Send /lapor to start "
                        "a new one, or /status to see your reports."))]
    if kind == "name":
        return _use_name(turn, draft, value)
    if kind == "edit":
        return _edit(turn, draft, value)
    if kind == "cat" and value in categories.CATEGORIES:
        draft.category, draft.category_chosen = value, True
        turn.save_draft(draft)
        return next_prompt(turn, draft)
    if kind == "priv" and value in set(Privacy):
        draft.privacy = value
        turn.save_draft(draft)
        return next_prompt(turn, draft)
    if choice == "submit":
        return _submit(turn, draft)
    if choice == "cancel":
        return _cancel(turn)
    return _resume(turn)


def _consent(turn: Turn, *, accepted: bool) -> list[Reply]:
    if turn.reporter.consent_at is not None:
        # A button of an old notice (pressed keyboards stay visible): the answer was given already,
        # and a stray tap must neither repeat it nor take it back.
        return _resume(turn) if turn.draft else [_menu(turn)]
    privacy.answer(turn, accepted=accepted)
    if not accepted:
        turn.step = IDLE
        return [privacy.declined()]
    kept = privacy.pending_messages(turn.data)
    turn.data.pop("pending", None)
    thanks = _("Thank you. Let's write your report.")
    if not kept:
        return _led_by(thanks, _new_report(turn))
    answer: list[Reply] = []
    for message in kept:
        if turn.draft is None and not _opens_report(message):
            continue
        turn.msg = message
        answer = take(turn)
    return _led_by(thanks, answer or _new_report(turn))


def _led_by(lead: str, replies: list[Reply]) -> list[Reply]:
    """`lead` as the first paragraph of the first reply: one message to read instead of two."""
    if not replies or replies[0].photo_path:
        return [Reply(lead), *replies]
    first = replies[0]
    return [replace(first, text=f"{lead}\n\n{first.text}"), *replies[1:]]


def _new_report(turn: Turn) -> list[Reply]:
    draft = Draft()
    turn.save_draft(draft)
    return next_prompt(turn, draft)


def _resume(turn: Turn) -> list[Reply]:
    draft = turn.draft
    if draft is None:
        return [_menu(turn)]
    return next_prompt(turn, draft)


def _use_name(turn: Turn, draft: Draft, which: str) -> list[Reply]:
    assert turn.reporter.id is not None
    name = (last_report_name(turn.connection, reporter_id=turn.reporter.id) if which == "last"
            else turn.reporter.profile_name)
    if not name:
        return next_prompt(turn, draft)
    draft.name = name
    if turn.data.get("editing") == "name":
        turn.data.pop("editing")
    turn.save_draft(draft)
    return next_prompt(turn, draft, [_("👤 Name saved.")])


def _edit(turn: Turn, draft: Draft, field: str) -> list[Reply]:
    if field == "category":
        labels = [Button(categories.label(c), f"cat:{c}") for c in categories.CATEGORIES]
        rows = tuple(tuple(labels[i:i + 2]) for i in range(0, len(labels), 2))
        return [Reply(_("Choose the category that fits best:"), buttons=rows)]
    if field == "privacy":
        return [Reply(_("Who may see this report?"), buttons=tuple(
            (Button(privacy_label(mode), f"priv:{mode}"),) for mode in Privacy))]
    if field not in SLOTS:
        return next_prompt(turn, draft)
    turn.data["editing"] = field
    return next_prompt(turn, draft)


def _submit(turn: Turn, draft: Draft) -> list[Reply]:
    if draft.missing() or turn.data.get("editing"):
        return next_prompt(turn, draft)
    assert draft.name and draft.description
    complaint = file_complaint(turn.connection, reporter=turn.reporter, now=turn.now,
                               prefix=turn.config.ticket_prefix,
                               starting=filing_deadlines(turn.now, turn.config), report=NewComplaint(
        name=draft.name, address=draft.address, latitude=draft.latitude,
        longitude=draft.longitude, location_source=draft.location_source,
        description=draft.description, category=draft.category or categories.OTHER,
        privacy=draft.privacy, photos=draft.photos))
    turn.data.pop("draft", None)
    turn.data.pop("editing", None)
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
             verify=turn.config.verify_days, followup=turn.config.followup_days))]


def _cancel(turn: Turn) -> list[Reply]:
    if turn.draft is None:
        return [Reply(_("There is no unfinished report to cancel."))]
    turn.save_draft(None)
    turn.step = IDLE
    return [Reply(_("Your unfinished report was cancelled and its photos deleted. "
                    "Send /lapor to start again."), clear_keyboard=True)]


def _language(turn: Turn, value: str) -> list[Reply]:
    choice = value.strip().lower()[:2]
    if choice in LOCALES:
        turn.set_locale(choice)
        done = Reply(_("Language set to English.") if choice == "en"
                     else _("Bahasa diatur ke Bahasa Indonesia."))
        if turn.reporter.consent_at is None and turn.step == privacy.CONSENT:
            return [done, privacy.notice(turn)]
        if turn.draft is not None and turn.step in {CONFIRMING, COLLECTING}:
            return [done, *_resume(turn)]
        return [done]
    return [Reply(_("Choose your language:"), buttons=(
        (Button("🇮🇩 Bahasa Indonesia", "lang:id"), Button("🇬🇧 English", "lang:en")),))]


def _menu(turn: Turn) -> Reply:
    return Reply(_("Hello! I am Aduan, the complaint service of your local government. "
                   "Report a public-service problem here (roads, waste, flooding, street "
                   "lighting, ...) and follow it until it is fixed."), buttons=(
        (Button(_("📝 Make a report"), "menu:report"),),
        (Button(_("🔎 My reports"), "menu:status"), Button(_("❓ Help"), "menu:help")),
        (Button(_("🌐 Language"), "menu:language"),),
    ))


def _help() -> Reply:
    return Reply(_(
        "What I can do:\n"
        "/lapor: make a report (name, place, photo, description)\n"
        "/status: your reports; /status CODE: one report\n"
        "/batal: cancel the unfinished report\n"
        "/bahasa: change the language\n"
        "/bantuan: this help\n\n"
        "You can send everything at once: a photo with the description as its caption and "
        "a location pin. I only ask for what is missing."
    ))
