"""Data functions for canned replies: prepared answers in Indonesian and English, known by a key."""

from __future__ import annotations

import re
from datetime import datetime

from sqlmodel import Session, col, select

from storage.models_desk import CannedReply

KEY = re.compile(r"^[a-z0-9][a-z0-9_-]{0,31}$")


def normalize_key(key: str) -> str | None:
    """The key in its stored form (lower case, no leading #), or None when it is not a valid key."""
    cleaned = key.strip().lstrip("#").lower()
    return cleaned if KEY.match(cleaned) else None


def set_reply(session: Session, *, key: str, text_id: str, text_en: str, now: datetime) -> CannedReply:
    """Add the canned reply, or replace the texts of the one with this key."""
    canonical = normalize_key(key)
    if canonical is None:
        raise ValueError(f"not a valid key: {key!r} (letters, digits, - and _, at most 32)")
    reply = get_reply(session, key=canonical)
    if reply is None:
        reply = CannedReply(key=canonical, text_id=text_id.strip(), text_en=text_en.strip(),
                            created_at=now, updated_at=now)
    else:
        reply.text_id, reply.text_en, reply.updated_at = text_id.strip(), text_en.strip(), now
    session.add(reply)
    session.flush()
    return reply


def get_reply(session: Session, *, key: str) -> CannedReply | None:
    """The canned reply with this key, if any."""
    canonical = normalize_key(key)
    if canonical is None:
        return None
    return session.exec(select(CannedReply).where(CannedReply.key == canonical)).first()


def list_replies(session: Session) -> list[CannedReply]:
    """Every canned reply, by key."""
    return list(session.exec(select(CannedReply).order_by(col(CannedReply.key))))


def remove_reply(session: Session, *, key: str) -> bool:
    """Delete the canned reply with this key; False when there is none."""
    reply = get_reply(session, key=key)
    if reply is None:
        return False
    session.delete(reply)
    return True


def text_for(reply: CannedReply, locale: str) -> str:
    """The reply's text in `locale` (Indonesian unless English is asked for)."""
    return reply.text_en if locale == "en" else reply.text_id
