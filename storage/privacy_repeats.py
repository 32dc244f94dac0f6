"""Erasure (UU PDP) of what the shared desk and repeated reports keep: supporting reports, follows, notes.

A follower's supporting report is their personal data: it goes with their erasure, and with the
retention purge of the complaint it supports. An officer's internal note loses what names the resident.
The photo files of a report merged from a duplicate complaint are that complaint's own (erased with it),
so only a follower's own photo files are returned for deletion.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from storage.models_desk import ComplaintFollower, InternalNote, SupportingReport

LOCATION_DECIMALS = 2
_SUPPORT: sa.Table = SupportingReport.__table__  # type: ignore[attr-defined]
_FOLLOWER: sa.Table = ComplaintFollower.__table__  # type: ignore[attr-defined]
_NOTE: sa.Table = InternalNote.__table__  # type: ignore[attr-defined]


def _erase_supporting(connection: Connection, where: Any) -> list[str]:
    rows = connection.execute(sa.select(_SUPPORT).where(where)).all()
    if not rows:
        return []
    connection.execute(
        _SUPPORT.update().where(_SUPPORT.c.id == sa.bindparam("b_id"))
        .values(name="", description="", photos=[], latitude=sa.bindparam("b_lat"),
                longitude=sa.bindparam("b_lon")),
        [{"b_id": row.id,
          "b_lat": None if row.latitude is None else round(row.latitude, LOCATION_DECIMALS),
          "b_lon": None if row.longitude is None else round(row.longitude, LOCATION_DECIMALS)}
         for row in rows])
    return [p["path"] for row in rows if row.source_code is None for p in (row.photos or []) if p.get("path")]


def erase_follower(connection: Connection, *, reporter_id: int, secrets: list[str], scrub: Any) -> list[str]:
    """The resident's supporting reports lose their words, photos and exact place; their follows end;
    the internal notes of the complaints they followed lose what names them (`scrub(text, secrets)`).

    Returns the photo files to delete. The complaints' counts of residents stay (statistics).
    """
    sent = connection.execute(sa.select(_SUPPORT.c.complaint_id, _SUPPORT.c.name)
                              .where(_SUPPORT.c.reporter_id == reporter_id)).all()
    followed = connection.execute(sa.select(_FOLLOWER.c.complaint_id)
                                  .where(_FOLLOWER.c.reporter_id == reporter_id)).scalars().all()
    names = [*secrets, *(row.name for row in sent if row.name)]
    scrub_notes(connection, secrets={cid: names for cid in {*followed, *(r.complaint_id for r in sent)}},
                scrub=scrub)
    files = _erase_supporting(connection, _SUPPORT.c.reporter_id == reporter_id)
    connection.execute(_FOLLOWER.delete().where(_FOLLOWER.c.reporter_id == reporter_id))
    return files


def erase_supporting_on(connection: Connection, *, complaint_ids: Sequence[int]) -> list[str]:
    """Retention: the supporting reports of these complaints go the way of the complaints; their files."""
    if not complaint_ids:
        return []
    return _erase_supporting(connection, _SUPPORT.c.complaint_id.in_(list(complaint_ids)))


def scrub_notes(connection: Connection, *, secrets: dict[int, list[str]], scrub: Any) -> None:
    """Internal notes on these complaints lose every identifier of the resident (`scrub(text, secrets)`)."""
    if not secrets:
        return
    notes = connection.execute(sa.select(_NOTE.c.id, _NOTE.c.complaint_id, _NOTE.c.text)
                               .where(_NOTE.c.complaint_id.in_(list(secrets)))).all()
    changed = [{"b_id": n.id, "b_text": scrub(n.text, secrets[n.complaint_id])} for n in notes]
    changed = [c for c, n in zip(changed, notes, strict=True) if c["b_text"] != n.text]
    if changed:
        connection.execute(_NOTE.update().where(_NOTE.c.id == sa.bindparam("b_id"))
                           .values(text=sa.bindparam("b_text")), changed)
