"""Fixtures for flow tests: the real engine over a migrated database."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy.engine import Engine

from handlers.engine import Conversations
from handlers.turn import FlowConfig
from helpers import Resident
from storage.media import MediaStore


@pytest.fixture
def conversations(engine: Engine, tmp_path: Path) -> Conversations:
    """The conversation engine with photos stored under a temporary folder."""
    return Conversations(engine=engine, config=FlowConfig(), media=MediaStore(tmp_path / "media"))


@pytest.fixture
def resident(conversations: Conversations) -> Resident:
    """An Indonesian-speaking resident called Budi Santoso."""
    return Resident(conversations)
