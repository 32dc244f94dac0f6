"""Finding complaints by a fragment of their code, words of the description or address, or the name."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col, func, select

from storage.models import Complaint

MAX_WORDS = 6


def _escaped(word: str) -> str:
    return "%" + word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def search_complaints(
    session: Session, *, text: str, agency_id: int | None, names: bool, offset: int = 0, limit: int = 10,
) -> tuple[int, list[Complaint]]:
    """The total and one page (newest first) of complaints matching every word of `text`.

    A word matches the code, the description or the address, and the reporter's name when `names`
    (the admin desk's search); `agency_id` keeps only that agency's complaints.
    """
    words = [w for w in text.split() if w][:MAX_WORDS]
    if not words:
        return 0, []
    query = select(Complaint)
    for word in words:
        pattern = _escaped(word.lower())
        fields: list[Any] = [func.lower(col(Complaint.code)).like(pattern, escape="\\"),
                             func.lower(col(Complaint.description)).like(pattern, escape="\\"),
                             func.lower(func.coalesce(col(Complaint.address), "")).like(pattern, escape="\\")]
        if names:
            fields.append(func.lower(col(Complaint.name)).like(pattern, escape="\\"))
        query = query.where(sa.or_(*fields))
    if agency_id is not None:
        query = query.where(Complaint.agency_id == agency_id)
    total = session.exec(select(func.count()).select_from(query.subquery())).one()
    rows = session.exec(query.order_by(col(Complaint.created_at).desc(), col(Complaint.id).desc())
                        .offset(offset).limit(limit)).all()
    return total, list(rows)
