"""Messages between operators and reporters, relayed by the bot and kept on the complaint."""

from __future__ import annotations

from sqlmodel import col, select

from handlers.i18n import _, use_locale
from handlers.messages import Reply
from handlers.operators.views import lookup
from handlers.turn import Turn
from storage.access_log import record_access
from storage.models import Complaint, ComplaintMessage, ComplaintStatus, Operator, Outbox, Reporter
from storage.operators import handlers_of
from storage.outbox import enqueue, enqueue_for_reporter


def usage() -> str:
    """The usage line of /balas."""
    return _("Usage: /balas CODE message to the reporter")


def to_reporter(turn: Turn, operator: Operator, args: str) -> list[Reply]:
    """`/balas CODE text`: send the reporter a message and keep it on the complaint."""
    code, _sep, text = args.strip().partition(" ")
    if not code or not text.strip():
        return [Reply(usage())]
    found = lookup(turn, operator, code)
    if isinstance(found, str):
        return [Reply(found)]
    assert found.id is not None
    if found.erased_at is not None:
        return [Reply(_("The reporter of {code} erased their personal data: they cannot be contacted.")
                      .format(code=found.code))]
    message = ComplaintMessage(complaint_id=found.id, from_reporter=False, operator_id=operator.id,
                               text=text.strip(), created_at=turn.now)
    turn.session.add(message)
    turn.session.flush()
    reporter = turn.session.get(Reporter, found.reporter_id)
    assert reporter is not None
    with use_locale(reporter.locale):
        body = _("💬 The officer handling {code} writes:\n\n{text}\n\nAnswer by replying to this "
                 "message.").format(code=found.code, text=text.strip())
    enqueue_for_reporter(turn.session, reporter=reporter, text=body, kind="relay",
                         dedupe_key=f"relay:{message.id}", due_at=turn.now, complaint_id=found.id)
    return [Reply(_("✉️ Sent to the reporter of {code}.").format(code=found.code))]


def answered_complaint(turn: Turn) -> Complaint | None:
    """The complaint a reporter's message answers: the relayed one it replies to, else one awaiting info."""
    assert turn.reporter.id is not None
    if turn.msg.reply_to:
        complaint_id = turn.session.exec(select(Outbox.complaint_id).where(
            Outbox.channel == turn.msg.channel, Outbox.chat_id == turn.msg.chat_id,
            Outbox.provider_id == turn.msg.reply_to, col(Outbox.complaint_id).is_not(None))).first()
        if complaint_id is not None:
            return turn.session.get(Complaint, complaint_id)
    return turn.session.exec(select(Complaint).where(
        Complaint.reporter_id == turn.reporter.id, Complaint.status == ComplaintStatus.NEEDS_INFO.value)
        .order_by(col(Complaint.updated_at).desc())).first()


def from_reporter(turn: Turn, complaint: Complaint) -> list[Reply]:
    """Keep the reporter's answer on the complaint and pass it to the operators who handle it."""
    assert complaint.id is not None
    text = (turn.msg.text or "").strip()
    if not text:
        return [Reply(_("Please answer the officer in text."))]
    message = ComplaintMessage(complaint_id=complaint.id, from_reporter=True, text=text, created_at=turn.now)
    turn.session.add(message)
    turn.session.flush()
    complaint.updated_at = turn.now
    turn.session.add(complaint)
    with use_locale(turn.config.default_locale):
        relayed = _("💬 The reporter of {code} answers:\n\n{text}\n\nReply with /balas {code} …").format(
            code=complaint.code, text=text)
    for operator in handlers_of(turn.session, complaint=complaint):
        enqueue(turn.session, channel=operator.channel, chat_id=operator.external_id, kind="relay",
                text=relayed, dedupe_key=f"relay:{message.id}:{operator.id}", due_at=turn.now,
                complaint_id=complaint.id)
        record_access(turn.session, complaint_ids=[complaint.id], actor=f"operator:{operator.id}",
                      action="relay", data=("message",), now=turn.now)
    return [Reply(_("✅ Your answer was passed to the officer handling {code}.").format(code=complaint.code))]
