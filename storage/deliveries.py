"""Data functions for messages handed to a provider: delivery states and updates held back."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session, col, select

from storage.models import Outbox, SentMessage

# Callbacks can arrive out of order; a state never goes back to an earlier one.
_RANK = {"accepted": 0, "queued": 1, "sending": 2, "sent": 3, "delivered": 4, "read": 5,
         "undelivered": 6, "failed": 6}


def record_sent(
    session: Session, *, provider_id: str, channel: str, chat_id: str, status: str, now: datetime,
    reporter_id: int | None = None, outbox_id: int | None = None, via_template: bool = False,
) -> None:
    """Remember a message the provider accepted, to follow its delivery."""
    session.merge(SentMessage(provider_id=provider_id, channel=channel, chat_id=chat_id,
                              reporter_id=reporter_id, outbox_id=outbox_id, via_template=via_template,
                              status=status, created_at=now, updated_at=now))


def update_delivery(
    session: Session, *, provider_id: str, status: str, error_code: str | None, now: datetime
) -> SentMessage | None:
    """Apply a status callback; None when the message is unknown here."""
    sent = session.get(SentMessage, provider_id)
    outbox = session.exec(select(Outbox).where(Outbox.provider_id == provider_id)).first()
    if sent is None and outbox is None:
        return None
    if sent is None:
        assert outbox is not None
        sent = SentMessage(provider_id=provider_id, channel=outbox.channel, chat_id=outbox.chat_id,
                           reporter_id=outbox.reporter_id, outbox_id=outbox.id, status=status,
                           created_at=now)
    elif _RANK.get(status, 0) < _RANK.get(sent.status, 0):
        return sent
    sent.status, sent.updated_at = status, now
    sent.error_code = error_code or sent.error_code
    session.add(sent)
    if outbox is not None or sent.outbox_id is not None:
        row = outbox or session.get(Outbox, sent.outbox_id)
        if row is not None:
            row.delivery_status = status
            if error_code:
                row.last_error = f"delivery {status}: error {error_code}"
            session.add(row)
    return sent


def held_updates(session: Session, *, reporter_id: int) -> list[tuple[SentMessage, Outbox]]:
    """Updates sent only as a template (outside the 24-hour window) whose full text is still owed."""
    rows = session.exec(
        select(SentMessage, Outbox).join(Outbox, col(Outbox.id) == col(SentMessage.outbox_id))
        .where(SentMessage.reporter_id == reporter_id, col(SentMessage.via_template).is_(True),
               col(SentMessage.followed_up_at).is_(None))
        .order_by(col(SentMessage.created_at))
    )
    return [(sent, outbox) for sent, outbox in rows]


def mark_followed_up(session: Session, *, provider_ids: list[str], now: datetime) -> None:
    """The full text of these template updates has been sent."""
    for provider_id in provider_ids:
        sent = session.get(SentMessage, provider_id)
        if sent is not None:
            sent.followed_up_at = now
            session.add(sent)
