"""Shared fixtures: a loopback-only network guard, a migrated database, the engine, photos."""

from __future__ import annotations

import asyncio
import gc
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest
from network_guard import guarded_connect, guarded_connect_ex, guarded_sock_connect
from sqlalchemy.engine import Engine

from helpers import jpeg
from scheduler_helpers import postgres_database
from storage.db import make_engine, upgrade


@pytest.fixture(autouse=True)
def loopback_only(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fail any test that opens a connection to a non-loopback address."""
    monkeypatch.setattr(socket.socket, "connect", guarded_connect)
    monkeypatch.setattr(socket.socket, "connect_ex", guarded_connect_ex)
    monkeypatch.setattr(asyncio.BaseEventLoop, "sock_connect", guarded_sock_connect)


@pytest.fixture(autouse=True)
def garbage_collector_as_found() -> Iterator[None]:
    """Undo what `aduan run` does to the garbage collector (freeze, thresholds) when a test runs it."""
    threshold = gc.get_threshold()
    yield
    gc.unfreeze()
    gc.set_threshold(*threshold)


@pytest.fixture
def db_url(tmp_path: Path) -> str:
    """A fresh SQLite database file."""
    return f"sqlite:///{tmp_path / 'aduan.db'}"


@pytest.fixture
def engine(db_url: str) -> Iterator[Engine]:
    """A migrated database engine."""
    eng = make_engine(db_url)
    upgrade(eng)
    yield eng
    eng.dispose()


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


@pytest.fixture
def photo() -> bytes:
    """A plain JPEG photo."""
    return jpeg()
