"""The migrations build exactly the schema the models describe, and can be undone."""

from __future__ import annotations

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy.engine import Engine
from sqlmodel import SQLModel

from storage.db import alembic_config, current_revision


def test_migrated_schema_matches_the_models(engine: Engine) -> None:
    with engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), SQLModel.metadata)
    assert differences == []


def test_migrations_downgrade_to_empty_and_back(engine: Engine) -> None:
    head = current_revision(engine)
    command.downgrade(alembic_config(engine), "base")
    assert current_revision(engine) is None
    command.upgrade(alembic_config(engine), "head")
    assert current_revision(engine) == head
