"""Open311 API keys: made once, kept only as a SHA-256 hash, revocable."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.engine import Connection
from sqlmodel import Field, Session, SQLModel, col, select

from storage.models import UTCDateTime, utcnow

KEY_BYTES = 24


class ApiKey(SQLModel, table=True):
    """A key another system files Open311 requests with; only its SHA-256 is kept."""

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=64, unique=True)
    key_hash: str = Field(max_length=64, unique=True)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, nullable=False)
    revoked_at: datetime | None = Field(default=None, sa_type=UTCDateTime, nullable=True)


_KEYS: sa.Table = ApiKey.__table__  # type: ignore[attr-defined]
_BY_HASH = (sa.select(_KEYS.c.name)
            .where(_KEYS.c.key_hash == sa.bindparam("key_hash"), _KEYS.c.revoked_at.is_(None)))


class KeyExists(Exception):
    """A key with that name exists already."""


def hash_key(key: str) -> str:
    """The stored form of a key (keys are long random strings, so a plain SHA-256 suffices)."""
    return hashlib.sha256(key.encode()).hexdigest()


def add_key(session: Session, *, name: str, now: datetime) -> str:
    """Create a key named `name` and return it; it is never shown again."""
    name = name.strip()
    if session.exec(select(ApiKey).where(ApiKey.name == name)).first() is not None:
        raise KeyExists(name)
    key = secrets.token_urlsafe(KEY_BYTES)
    session.add(ApiKey(name=name, key_hash=hash_key(key), created_at=now))
    session.flush()
    return key


def revoke_key(session: Session, *, name: str, now: datetime) -> bool:
    """Revoke the key named `name`; False when there is no such active key."""
    key = session.exec(select(ApiKey).where(ApiKey.name == name.strip(),
                                            col(ApiKey.revoked_at).is_(None))).first()
    if key is None:
        return False
    key.revoked_at = now
    session.add(key)
    return True


def list_keys(session: Session) -> list[ApiKey]:
    """Every key, active or revoked, by name."""
    return list(session.exec(select(ApiKey).order_by(col(ApiKey.name))))


def key_owner(connection: Connection, *, key: str) -> str | None:
    """The name of the active key `key`, or None when it is unknown or revoked."""
    return connection.execute(_BY_HASH, {"key_hash": hash_key(key)}).scalar_one_or_none()
