"""Data functions for internal notes: what operators write on a complaint for each other only."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session, col, select

from storage.models_desk import InternalNote


def add_note(
    session: Session, *, complaint_id: int, operator_id: int, text: str, now: datetime
) -> InternalNote:
    """Keep an internal note on a complaint."""
    note = InternalNote(complaint_id=complaint_id, operator_id=operator_id, text=text.strip(), created_at=now)
    session.add(note)
    session.flush()
    return note


def notes_of(session: Session, *, complaint_id: int) -> list[InternalNote]:
    """A complaint's internal notes, oldest first."""
    return list(session.exec(select(InternalNote).where(InternalNote.complaint_id == complaint_id)
                             .order_by(col(InternalNote.id))))
