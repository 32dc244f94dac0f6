"""The resident's data rights (UU PDP No. 27/2022): see, erase, withdraw consent (correcting: corrections)."""

from __future__ import annotations

from datetime import datetime, timedelta

from handlers import corrections
from handlers.erasure import REQUEST, erase_resident
from handlers.i18n import _, current_locale, ngettext
from handlers.messages import Button, Reply
from handlers.my_data import my_data
from handlers.turn import NOTICE_VERSION, Turn
from storage.outbox import cancel_queued_for
from storage.privacy import erasure_preview
from storage.reporters import IDLE, record_consent

# Indonesian first, English aliases (WhatsApp keywords are the same words).
COMMANDS = {
    "dataku": "mydata", "mydata": "mydata",
    "hapusdata": "deletedata", "deletedata": "deletedata",
    "tarikpersetujuan": "withdraw", "withdraw": "withdraw",
    "ubah": "correct", "correct": "correct",
}
CHOICES = {"erase", "fix"}
# A confirmation button older than this asks again: the resident confirms what they were just shown.
OFFER_VALID = timedelta(hours=1)
OFFERED = "erase_offered"


def help_text() -> str:
    """The data-rights paragraph of /bantuan."""
    return _("Your data (UU PDP No. 27/2022):\n"
             "/dataku: everything stored about you\n"
             "/ubah CODE: correct the name or address of a report not yet verified\n"
             "/tarikpersetujuan: withdraw your consent\n"
             "/hapusdata: erase your personal data")


def command(turn: Turn, name: str, args: str) -> list[Reply]:
    """Run one of the data-rights commands (they need no consent: they are how it is taken back)."""
    if name == "mydata":
        return my_data(turn)
    if name == "deletedata":
        return ask_erasure(turn)
    if name == "withdraw":
        return withdraw(turn)
    return corrections.start(turn, args)


def choice(turn: Turn, kind: str, value: str) -> list[Reply]:
    """A pressed button of these flows."""
    if kind == "fix":
        return corrections.choose(turn, value)
    if value == "ask":
        return ask_erasure(turn)
    if value == "yes":
        return confirm_erasure(turn)
    turn.data.pop(OFFERED, None)
    return [Reply(_("Nothing was erased. Your data stays as it is."))]


def ask_erasure(turn: Turn) -> list[Reply]:
    """Say exactly what erasing will do, and ask to confirm."""
    assert turn.reporter.id is not None
    preview = erasure_preview(turn.session, reporter_id=turn.reporter.id)
    turn.data[OFFERED] = turn.now.isoformat()
    lines = [
        _("🗑 Erase your personal data?"), "",
        _("This erases, for good:"),
        ngettext("• your name and address on your {count} report, and its exact location (only a position "
                 "rounded to about 1 km is kept)",
                 "• your name and address on your {count} reports, and their exact location (only a position "
                 "rounded to about 1 km is kept)", preview.reports).format(count=preview.reports),
        ngettext("• {count} photo, deleted from our storage", "• {count} photos, deleted from our storage",
                 preview.photos).format(count=preview.photos),
        ngettext("• the text of {count} message exchanged with officers",
                 "• the text of {count} messages exchanged with officers",
                 preview.messages).format(count=preview.messages),
        _("• your chat account id or phone number, this conversation and any unfinished report"),
        "",
        _("Kept without anything that identifies you, for the agencies' statistics and audit: each report's "
          "status, category, agency, dates and history."),
    ]
    if preview.open_codes:
        lines += ["", _("Still open: {codes}. You will get no more updates about them, and the officers "
                        "handling them will see that you erased your data.").format(
            codes=", ".join(preview.open_codes))]
    lines += ["", _("Afterwards I no longer know you: if you write again, you start as a new user. "
                    "This cannot be undone.")]
    return [Reply("\n".join(lines), buttons=(
        (Button(_("🗑 Yes, erase my data"), "erase:yes"),),
        (Button(_("↩️ No, keep it"), "erase:no"),)))]


def confirm_erasure(turn: Turn) -> list[Reply]:
    """Erase, if the confirmation was just asked for; the turn then leaves no state behind."""
    assert turn.reporter.id is not None
    offered = turn.data.get(OFFERED)
    if not offered or turn.now - datetime.fromisoformat(offered) > OFFER_VALID:
        return ask_erasure(turn)
    erased = erase_resident(turn.session, reporter_id=turn.reporter.id, now=turn.now, config=turn.config,
                            reason=REQUEST, actor=f"reporter:{turn.reporter.id}")
    turn.erased = True
    if erased is None:
        return [Reply(_("Your data was already erased."))]
    for path in erased.files:  # before the commit, as the purge does: a crash leaves no photo behind a row
        turn.media.delete(path)
    lines = [_("✅ Your personal data was erased.")]
    if erased.complaint_codes:
        count = len(erased.complaint_codes)
        kept = ngettext("Your {count} report stays for the agencies' statistics, without your identity.",
                        "Your {count} reports stay for the agencies' statistics, without your identity.",
                        count)
        lines.append(kept.format(count=count))
    if erased.open_codes:
        lines.append(_("You will no longer get updates about {codes}.").format(
            codes=", ".join(erased.open_codes)))
    lines.append(_("If you write again, you start as a new user. Thank you for using Aduan."))
    return [Reply("\n".join(lines), clear_keyboard=True)]


def withdraw(turn: Turn) -> list[Reply]:
    """Withdraw consent: nothing more is processed or sent, the draft goes, and erasure is offered."""
    assert turn.reporter.id is not None
    offer = (Button(_("🗑 Erase my data too"), "erase:ask"),)
    if turn.reporter.consent_at is None:
        return [Reply(_("You have not given consent (or withdrew it already): I process nothing of yours. "
                        "To erase what is stored, send /hapusdata."), buttons=(offer,))]
    record_consent(turn.connection, reporter=turn.reporter, accepted=False, notice_version=NOTICE_VERSION,
                   locale=current_locale(), event_id=",".join(turn.msg.event_ids), now=turn.now)
    turn.save_draft(None)
    turn.data.pop("pending", None)
    turn.step = IDLE
    if turn.reporter.opted_out_at is None:
        turn.reporter.opted_out_at = turn.now
    cancel_queued_for(turn.session, reporter_id=turn.reporter.id, reason="consent withdrawn")
    return [Reply(_(
        "Your consent is withdrawn. Aduan processes nothing new of yours and sends you no more messages; "
        "any unfinished report was deleted. Reports you filed stay with the agencies as they are. "
        "To erase your data as well, send /hapusdata. To use Aduan again, send /start and agree to the "
        "notice."), buttons=(offer,))]
