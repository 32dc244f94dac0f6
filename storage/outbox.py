"""Data functions of the outbox: every message that is not an immediate reply goes through it."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from storage.models import Outbox, Reporter


def enqueue(
    session: Session, *, channel: str, chat_id: str, text: str, kind: str, dedupe_key: str,
    due_at: datetime, reporter_id: int | None = None,
    buttons: Sequence[Sequence[tuple[str, str]]] = (), template: dict[str, str] | None = None,
    urgent: bool = False, complaint_id: int | None = None, photo_path: str | None = None,
) -> Outbox | None:
    """Queue a message in the caller's transaction; None when `dedupe_key` was queued before.

    Buttons are rows of (label, data) pairs, rendered by each channel as it can.
    """
    if session.exec(select(Outbox.id).where(Outbox.dedupe_key == dedupe_key)).first() is not None:
        return None
    row = Outbox(channel=channel, chat_id=chat_id, reporter_id=reporter_id, kind=kind, text=text,
                 buttons=[[{"label": label, "data": data} for label, data in row] for row in buttons],
                 template=template, urgent=urgent, dedupe_key=dedupe_key, due_at=due_at,
                 complaint_id=complaint_id, photo_path=photo_path)
    try:
        with session.begin_nested():
            session.add(row)
            session.flush()
    except IntegrityError:  # queued meanwhile by another process: the key did its job
        return None
    return row


def enqueue_for_reporter(
    session: Session, *, reporter: Reporter, text: str, kind: str, dedupe_key: str, due_at: datetime,
    buttons: Sequence[Sequence[tuple[str, str]]] = (), template: dict[str, str] | None = None,
    urgent: bool = False, complaint_id: int | None = None,
) -> Outbox | None:
    """Queue a message to a reporter on the channel they reported from."""
    return enqueue(session, channel=reporter.channel, chat_id=reporter.chat_id, text=text, kind=kind,
                   dedupe_key=dedupe_key, due_at=due_at, reporter_id=reporter.id, buttons=buttons,
                   template=template, urgent=urgent, complaint_id=complaint_id)
