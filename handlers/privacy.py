"""The privacy notice (UU PDP No. 27/2022) and the resident's answer to it."""

from __future__ import annotations

from typing import Any

from handlers.draft import DESCRIPTION_MIN
from handlers.i18n import _, current_locale, ngettext
from handlers.messages import Button, Inbound, Reply
from handlers.smalltalk import is_smalltalk
from handlers.turn import NOTICE_VERSION, Turn
from storage.reporters import record_consent

CONSENT = "consent"
MAX_PENDING = 10


def notice(turn: Turn) -> Reply:
    """The short notice shown before the first report, with buttons to accept or decline."""
    text = _(
        "Before you report: how Aduan uses your data (UU PDP No. 27/2022)\n\n"
        "• What we store: your name, the address or location, photos, the description, "
        "your chat account id and this conversation.\n"
        "• Why: to handle your complaint, forward it to the responsible agency and tell you "
        "its progress. Nothing else.\n"
        "• Photos are stored without their hidden metadata.\n"
        "• How long: {years} years after your report is closed, resolved or archived; then it is "
        "erased (only a position rounded to about 1 km stays, for statistics).\n"
        "• Your rights: /dataku shows everything stored about you (also as a file), /ubah CODE corrects "
        "the name or address of a report not yet verified, /tarikpersetujuan withdraws this consent, "
        "/hapusdata erases your data at any time. You can also report anonymously.\n\n"
        "Do you agree?"
    ).format(years=turn.config.retention_years)
    return Reply(text, buttons=(
        (Button(_("✅ I agree"), "consent:yes"), Button(_("✖️ I do not agree"), "consent:no")),
        (Button("🇮🇩 Bahasa Indonesia", "lang:id"), Button("🇬🇧 English", "lang:en")),
    ))


def is_report_content(msg: Inbound) -> bool:
    """A photo, a pin or a text long enough to describe a problem: worth keeping for after consent."""
    if msg.attachments or msg.location:
        return True
    return len((msg.text or "").strip()) >= DESCRIPTION_MIN and not is_smalltalk(msg.text)


def hold(turn: Turn) -> list[Reply]:
    """Keep the report content sent before consent (unprocessed), say what was kept, show the notice."""
    msg = turn.msg
    kept_now = is_report_content(msg) and not msg.command and not msg.choice
    if kept_now:
        pending = turn.data.setdefault("pending", [])
        if len(pending) < MAX_PENDING:
            pending.append(msg.to_json())
    turn.step = CONSENT
    replies = [notice(turn)]
    if kept_now:
        kept = kept_summary(pending_messages(turn.data))
        replies.insert(0, Reply(_("I have kept {what}; it will be used for your report once you agree.")
                                .format(what=kept)))
    return replies


def kept_summary(messages: list[Inbound]) -> str:
    """What the kept messages hold, in words: “1 photo, the location and your description”."""
    photos = sum(len(m.attachments) for m in messages)
    parts = [ngettext("{n} photo", "{n} photos", photos).format(n=photos)] if photos else []
    if any(m.location for m in messages):
        parts.append(_("the location"))
    if any(m.text for m in messages):
        parts.append(_("your text"))
    if len(parts) > 1:
        return _("{items} and {last}").format(items=", ".join(parts[:-1]), last=parts[-1])
    return parts[0] if parts else _("nothing")


def pending_messages(data: dict[str, Any]) -> list[Inbound]:
    """The messages kept in a conversation's data while the notice waited for an answer."""
    return [Inbound.from_json(raw) for raw in data.get("pending", [])]


def answer(turn: Turn, *, accepted: bool) -> None:
    """Record the resident's answer with its time, as proof."""
    record_consent(turn.connection, reporter=turn.reporter, accepted=accepted,
                   notice_version=NOTICE_VERSION, locale=current_locale(),
                   event_id=",".join(turn.msg.event_ids), now=turn.now)
    if not accepted:
        turn.data.pop("pending", None)
    else:  # consent given anew after a withdrawal turns the notifications back on
        turn.reporter.opted_out_at = None


def declined() -> Reply:
    """What a resident who declines is told."""
    return Reply(_("Understood: nothing of yours was stored for a report. You can still check "
                   "a report's status with /status. If you change your mind, send /lapor."))
