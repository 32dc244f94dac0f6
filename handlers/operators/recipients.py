"""Who hears what a reporter sends about a complaint: the officer who asked, its handlers, else the desk."""

from __future__ import annotations

from sqlmodel import Session, col, select

from handlers.turn import FlowConfig
from storage.models import Complaint, ComplaintStatus, Operator, OperatorRole, StatusChange
from storage.operators import handlers_of

TELEGRAM = "telegram"


def asker(session: Session, complaint: Complaint) -> Operator | None:
    """The operator who last asked the reporter for information, if still active."""
    assert complaint.id is not None
    actor = session.exec(select(StatusChange.actor).where(
        StatusChange.complaint_id == complaint.id, StatusChange.to_status == ComplaintStatus.NEEDS_INFO.value)
        .order_by(col(StatusChange.id).desc())).first()
    if not actor or not actor.startswith("operator:") or not actor[9:].isdigit():
        return None
    operator = session.get(Operator, int(actor[9:]))
    return operator if operator is not None and operator.active else None


def reporter_audience(session: Session, complaint: Complaint,
                      config: FlowConfig) -> list[tuple[str, str, str]]:
    """(channel, chat id, who) of everyone who must read the reporter's message (empty: nobody exists).

    The operator who asked, and the complaint's handlers (its agency's operators, or the admin desk
    before forwarding). When nobody but the asker holds it (an agency without operators), the admin
    desk hears it too: its operators and its chat `OPERATOR_CHAT_ID`.
    """
    chats: list[tuple[str, str, str]] = []
    asked = asker(session, complaint) if complaint.status == ComplaintStatus.NEEDS_INFO else None
    holders = handlers_of(session, complaint=complaint)
    people = [o for o in [asked, *holders] if o is not None]
    if not holders:
        people += session.exec(select(Operator).where(
            col(Operator.active).is_(True), Operator.role == OperatorRole.ADMIN.value)
            .order_by(col(Operator.id))).all()
        if config.operator_chat_id:
            chats.append((TELEGRAM, config.operator_chat_id, f"desk:{config.operator_chat_id}"))
    for operator in people:
        chats.append((operator.channel, operator.external_id, f"operator:{operator.id}"))
    unique: dict[tuple[str, str], tuple[str, str, str]] = {}
    for chat in chats:
        unique.setdefault(chat[:2], chat)
    return list(unique.values())
