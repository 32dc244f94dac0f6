"""The Open311 filing tests' API key, made with the real `aduan apikey add` command."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from open311_helpers import cli
from sqlalchemy.engine import Engine

from bot.settings import get_settings


@pytest.fixture
def api_key(engine: Engine, db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """A fresh key named `callcentre`."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DATABASE_URL", db_url)
    get_settings.cache_clear()
    code, out = cli("apikey", "add", "callcentre")
    assert code == 0
    yield out.strip()
    get_settings.cache_clear()
