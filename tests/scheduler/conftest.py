"""Scheduler fixtures: the same tests on SQLite and, when CI provides one, on a real PostgreSQL server."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy.engine import Engine

from scheduler_helpers import postgres_database
from storage.db import make_engine, upgrade


@pytest.fixture(params=["sqlite", "postgresql"])
def store(request: pytest.FixtureRequest, db_url: str) -> Iterator[Engine]:
    """A migrated engine on SQLite, and again on PostgreSQL when available."""
    if request.param == "sqlite":
        url_iter: Iterator[str] = iter([db_url])
    else:
        url_iter = postgres_database()
    url = next(url_iter)
    eng = make_engine(url)
    upgrade(eng)
    yield eng
    eng.dispose()
    for _rest in url_iter:  # runs the generator's clean-up
        pass


