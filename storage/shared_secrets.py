"""Secrets every instance must agree on, generated once by whichever instance starts first."""

from __future__ import annotations

from collections.abc import Callable

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Engine

from storage.models import utcnow
from storage.shared_models import SharedSecret

_SECRET: sa.Table = SharedSecret.__table__  # type: ignore[attr-defined]


def shared_secret(engine: Engine, *, name: str, generate: Callable[[], str]) -> str:
    """The stored secret `name`; the first caller's `generate()` is stored and every later caller reads it."""
    insert = pg_insert if engine.dialect.name == "postgresql" else sqlite_insert
    with engine.begin() as connection:
        connection.execute(insert(_SECRET).values(name=name, value=generate(), created_at=utcnow())
                           .on_conflict_do_nothing())
        value = connection.execute(sa.select(_SECRET.c.value).where(_SECRET.c.name == name)).scalar_one()
    return str(value)
