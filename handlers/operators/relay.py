"""Messages between operators and reporters, relayed by the bot and kept on the complaint."""

from __future__ import annotations

from sqlmodel import col, select

from handlers.deadlines import refresh_deadlines
from handlers.i18n import _, use_locale
from handlers.messages import Reply
from handlers.operators.recipients import reporter_audience
from handlers.operators.views import lookup
from handlers.prompts import status_label
from handlers.turn import Turn
from storage.access_log import record_access
from storage.canned_replies import get_reply, list_replies, text_for
from storage.lifecycle import change_status
from storage.models import (
    Complaint,
    ComplaintMessage,
    ComplaintStatus,
    Operator,
    Outbox,
    Reporter,
    StatusChange,
)
from storage.outbox import enqueue, enqueue_for_reporter


def usage() -> str:
    """The usage line of /balas."""
    return _("Usage: /balas CODE message to the reporter, or /balas CODE #KEY for a canned reply")


def _canned(turn: Turn, key: str, locale: str) -> str | Reply:
    reply = get_reply(turn.session, key=key)
    if reply is None:
        known = ", ".join(f"#{r.key}" for r in list_replies(turn.session)) or "-"
        return Reply(_("No canned reply “{key}”. Known: {known}. Add one with "
                       "`aduan reply add KEY \"text id\" \"text en\"`.").format(key=key, known=known))
    return text_for(reply, locale)


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
    reporter = turn.session.get(Reporter, found.reporter_id)
    assert reporter is not None
    if text.strip().startswith("#") and len(text.split()) == 1:
        canned = _canned(turn, text.strip(), reporter.locale)
        if isinstance(canned, Reply):
            return [canned]
        text = canned
    message = ComplaintMessage(complaint_id=found.id, from_reporter=False, operator_id=operator.id,
                               text=text.strip(), created_at=turn.now)
    turn.session.add(message)
    turn.session.flush()
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


def answered(turn: Turn, complaint: Complaint) -> str | None:
    """A complaint waiting for the reporter's information goes back to where it was; its status label."""
    assert complaint.id is not None
    if complaint.status != ComplaintStatus.NEEDS_INFO:
        return None
    before = turn.session.exec(select(StatusChange.from_status).where(
        StatusChange.complaint_id == complaint.id, StatusChange.to_status == ComplaintStatus.NEEDS_INFO.value)
        .order_by(col(StatusChange.id).desc())).first()
    fallback = ComplaintStatus.VERIFIED if complaint.agency_id else ComplaintStatus.RECEIVED
    target = ComplaintStatus(before) if before and before != ComplaintStatus.NEEDS_INFO else fallback
    change_status(turn.session, complaint=complaint, to_status=target, actor=f"reporter:{turn.reporter.id}",
                  note=None, public=True, now=turn.now)
    refresh_deadlines(turn.session, complaint, turn.now, config=turn.config)
    return status_label(target)


def notify_handlers(turn: Turn, complaint: Complaint, text: str, *, key: str,
                    photo_paths: tuple[str, ...] = ()) -> int:
    """Queue `text` (and the photos) for everyone who must read the reporter's message; how many chats."""
    audience = reporter_audience(turn.session, complaint, turn.config)
    assert complaint.id is not None
    for channel, chat_id, actor in audience:
        record_access(turn.session, complaint_ids=[complaint.id], actor=actor, action="relay",
                      data=("message", "photo") if photo_paths else ("message",), now=turn.now)
        enqueue(turn.session, channel=channel, chat_id=chat_id, kind="relay", text=text,
                dedupe_key=f"{key}:{channel}:{chat_id}", due_at=turn.now, complaint_id=complaint.id)
        for n, path in enumerate(photo_paths, 1):
            enqueue(turn.session, channel=channel, chat_id=chat_id, kind="relay",
                    text=f"{complaint.code} · {n}",
                    dedupe_key=f"{key}:{channel}:{chat_id}:photo{n}", due_at=turn.now,
                    complaint_id=complaint.id, photo_path=str(turn.media.full_path(path)))
    return len(audience)


def from_reporter(turn: Turn, complaint: Complaint) -> list[Reply]:
    """Keep the reporter's answer on the complaint and pass it to the operators who must read it."""
    assert complaint.id is not None
    text = (turn.msg.text or "").strip()
    if not text:
        return [Reply(_("Please answer the officer in text."))]
    message = ComplaintMessage(complaint_id=complaint.id, from_reporter=True, text=text, created_at=turn.now)
    turn.session.add(message)
    turn.session.flush()
    complaint.updated_at = turn.now
    turn.session.add(complaint)
    back_to = answered(turn, complaint)
    with use_locale(turn.config.default_locale):
        relayed = _("💬 The reporter of {code} answers:\n\n{text}\n\nReply with /balas {code} …").format(
            code=complaint.code, text=text)
        if back_to:
            relayed += "\n\n" + _("{code} is back to “{status}”.").format(
                code=complaint.code, status=status_label(complaint.status))
    reached = notify_handlers(turn, complaint, relayed, key=f"relay:{message.id}")
    if not reached:
        return [Reply(_("Your answer is kept with report {code}. No officer can be reached right now; "
                        "it will be read as soon as one is.").format(code=complaint.code))]
    lines = [_("✅ Your answer was passed to the officer handling {code}.").format(code=complaint.code)]
    if back_to:
        lines.append(_("The report is back to “{status}”.").format(status=back_to))
    return [Reply("\n".join(lines))]

