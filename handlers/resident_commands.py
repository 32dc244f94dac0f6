"""The residents' commands: start, report, status, cancel, language, help, add to a report, opt out."""

from __future__ import annotations

from handlers import followup, notifications, privacy, privacy_rights
from handlers.i18n import LOCALES, _, ngettext
from handlers.intake import COLLECTING, CONFIRMING
from handlers.messages import Button, Reply
from handlers.report_flow import is_blank, menu, new_report, resume
from handlers.status import status
from handlers.turn import Turn
from storage.reporters import IDLE

COMMANDS = {
    "start": "start", "mulai": "start",
    "lapor": "report", "report": "report",
    "status": "status", "cek": "status",
    "batal": "cancel", "cancel": "cancel",
    "bahasa": "language", "language": "language",
    "bantuan": "help", "help": "help",
    "berhenti": "optout", "stop": "optout",
    "tambah": "add", "add": "add",
    **privacy_rights.COMMANDS,
}


def command(turn: Turn, command: str | None, args: str) -> list[Reply]:
    """Run a resident's command (None: an unknown one)."""
    if command is None:
        return [Reply(_("I do not know that command. Send /bantuan to see what I can do."))]
    # Help, language, status and opting out touch no personal data: no consent needed for them.
    if command == "help":
        return [Reply(f"{help_text().text}\n\n{privacy_rights.help_text()}")]
    if command == "language":
        return language(turn, args)
    if command == "status":
        return status(turn, args, draft_open=not is_blank(turn.draft))
    if command == "optout":
        return [notifications.opt_out(turn)]
    if command in privacy_rights.COMMANDS.values():  # the data rights need no consent
        return privacy_rights.command(turn, command, args)
    back_in = notifications.opt_in(turn) if command == "start" and turn.reporter.consent_at else []
    if turn.reporter.consent_at is None:
        return back_in + privacy.hold(turn)
    if command == "start":
        return back_in + (resume(turn) if turn.draft else [menu()])
    if command == "report":
        if turn.data.get(followup.PENDING):  # LAPOR typed as the answer to "add it or a new report?"
            return followup.choose(turn, "new")
        if not is_blank(turn.draft):
            return [Reply(_("You have an unfinished report. Continue it or start over?"), buttons=(
                (Button(_("▶️ Continue"), "draft:continue"),
                 Button(_("🔄 Start over"), "draft:restart")),))]
        return new_report(turn)
    if command == "add":
        return followup.add_command(turn, args)
    return cancel(turn)


def cancel(turn: Turn, *, confirmed: bool = False) -> list[Reply]:
    """Cancel the unfinished report; one with something in it only once the resident confirms."""
    draft = turn.draft
    if draft is None:
        if turn.data.pop("adding", None):
            return [Reply(_("Fine, nothing was added."))]
        return [Reply(_("There is no unfinished report to cancel."))]
    # Asked already (the confirmation's buttons are on offer): a second /batal confirms.
    asked = any(data == "cancel:yes" for data, _label in turn.data.get("choices") or [])
    if not (confirmed or asked or is_blank(draft)):
        photos = len(draft.photos)
        question = (ngettext("Cancel this report? {n} photo will be deleted.",
                             "Cancel this report? {n} photos will be deleted.", photos).format(n=photos)
                    if photos else _("Cancel this report? What you entered will be deleted."))
        return [Reply(question, buttons=(
            (Button(_("🗑 Yes, cancel it"), "cancel:yes"), Button(_("↩️ No, keep it"), "draft:continue")),))]
    turn.save_draft(None)
    turn.step = IDLE
    return [Reply(_("Your unfinished report was cancelled and its photos deleted. "
                    "Send /lapor to start again."), clear_keyboard=True)]


def language(turn: Turn, value: str) -> list[Reply]:
    """Switch to the language in `value`, or offer the choice."""
    choice = value.strip().lower()[:2]
    if choice in LOCALES:
        turn.set_locale(choice)
        done = Reply(_("Language set to English.") if choice == "en"
                     else _("Bahasa diatur ke Bahasa Indonesia."))
        if turn.reporter.consent_at is None and turn.step == privacy.CONSENT:
            return [done, privacy.notice(turn)]
        if turn.draft is not None and turn.step in {CONFIRMING, COLLECTING}:
            return [done, *resume(turn)]
        return [done]
    return [Reply(_("Choose your language:"), buttons=(
        (Button("🇮🇩 Bahasa Indonesia", "lang:id"), Button("🇬🇧 English", "lang:en")),))]


def help_text() -> Reply:
    """What a resident can do."""
    return Reply(_(
        "What I can do:\n"
        "/lapor: make a report (name, place, photo, description)\n"
        "/status: your reports; /status CODE: one report\n"
        "/tambah CODE: add a photo or information to a filed report\n"
        "/batal: cancel the unfinished report\n"
        "/bahasa: change the language\n"
        "/bantuan: this help\n\n"
        "You can send everything at once: a photo with the description as its caption and "
        "a location pin. I only ask for what is missing."
    ))
