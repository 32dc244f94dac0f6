"""Alembic environment: migrates the engine Aduan hands over, against SQLModel's metadata."""

from __future__ import annotations

from alembic import context
from sqlmodel import SQLModel

# Registers the tables on SQLModel.metadata.
import storage.api_keys
import storage.models
import storage.models_desk
import storage.privacy_records
import storage.shared_models
import storage.tally_models  # noqa: F401
from storage.db import modelled

target_metadata = SQLModel.metadata


def run_migrations_online() -> None:
    """Run the migrations, in one transaction, on a connection of the engine given in the config."""
    engine = context.config.attributes["engine"]
    with engine.connect() as connection:
        sqlite = connection.dialect.name == "sqlite"
        if sqlite:  # batch mode rebuilds tables, which foreign key checks would refuse midway
            connection.connection.driver_connection.execute("PRAGMA foreign_keys=OFF")
        try:
            context.configure(connection=connection, target_metadata=target_metadata,
                              render_as_batch=sqlite, transactional_ddl=True, include_name=modelled)
            with context.begin_transaction():
                context.run_migrations()
                if sqlite:
                    broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
                    if broken:
                        raise RuntimeError(f"migration left broken references: {broken[:5]}")
            connection.commit()
        finally:
            if sqlite:
                connection.connection.driver_connection.execute("PRAGMA foreign_keys=ON")


run_migrations_online()
