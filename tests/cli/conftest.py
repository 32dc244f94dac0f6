"""CLI test fixtures: a clean SQLite database that `aduan` commands find through DATABASE_URL."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.settings import get_settings


@pytest.fixture
def cli_database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """A clean database under a temporary folder, as DATABASE_URL; its URL."""
    monkeypatch.chdir(tmp_path)
    url = f"sqlite:///{tmp_path / 'aduan.db'}"
    monkeypatch.setenv("DATABASE_URL", url)
    get_settings.cache_clear()
    yield url
    get_settings.cache_clear()
