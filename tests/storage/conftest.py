"""Storage fixtures: a migrated database on SQLite and, when CI provides one, on PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy.engine import Engine

from scheduler_helpers import postgres_database
from storage.db import make_engine, upgrade


@pytest.fixture(params=["sqlite", "postgresql"])
def both_databases(request: pytest.FixtureRequest, db_url: str) -> Iterator[Engine]:
    """A migrated engine on SQLite, and again on PostgreSQL when available."""
    urls: Iterator[str] = iter([db_url]) if request.param == "sqlite" else postgres_database()
    eng = make_engine(next(urls))
    upgrade(eng)
    yield eng
    eng.dispose()
    for _rest in urls:  # runs the generator's clean-up
        pass
