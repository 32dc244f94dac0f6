"""The database engine, sessions and Alembic migrations."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from sqlalchemy.engine import Engine
from sqlalchemy.pool import PoolProxiedConnection
from sqlmodel import Session

from storage.checkpoints import checkpoint_in_background
from storage.locks import MIGRATION_KEY

MIGRATIONS_DIR = Path(__file__).with_name("migrations")
# What migration 0015 made by hand and the models do not describe (see storage/complaint_indexes.py):
# SQLite's search table with FTS5's own tables behind it, PostgreSQL's trigram index.
UNMODELLED = re.compile(r"complaint_search(_(data|idx|content|docsize|config))?|ix_complaint_address_trgm")
log = logging.getLogger(__name__)


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # pysqlite's own transaction handling skips BEGIN before DDL and breaks SAVEPOINT; let
    # SQLAlchemy emit BEGIN itself (the recipe from SQLAlchemy's SQLite dialect documentation).
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=5000")
    # Reads of a large database (the public pages over a million complaints) go through the OS page
    # cache instead of copying pages into each connection's small cache: all of a 2 GB database (the most
    # SQLite usually maps; a million complaints take 1.9 GB), so that a list of a thousand reports
    # scattered over it costs no system call per page (a third less time for Open311's open requests).
    cursor.execute("PRAGMA mmap_size=2147418112")
    cursor.execute("PRAGMA cache_size=-16384")
    # Commits never checkpoint (copy the log into the database and wait for the disk): a background
    # thread does (storage.checkpoints), so a turn on the event loop never waits for one.
    cursor.execute("PRAGMA wal_autocheckpoint=0")
    cursor.close()


def _sqlite_begin(connection: PoolProxiedConnection) -> None:
    connection.driver_connection.execute("BEGIN")  # type: ignore[union-attr]


def make_engine(url: str) -> Engine:
    """An engine for `url`; SQLite files get WAL mode and their folder is created."""
    sa_url = sa.make_url(url)
    if sa_url.get_backend_name() == "sqlite":
        database = sa_url.database
        if database and database != ":memory:":
            Path(database).parent.mkdir(parents=True, exist_ok=True)
        engine = sa.create_engine(url, connect_args={"check_same_thread": False})
        sa.event.listen(engine, "connect", _sqlite_pragmas)
        # The dialect issues the BEGIN, rather than a "begin" event listener: with any listener on the
        # engine, SQLAlchemy dispatches events around every statement it runs.
        engine.dialect.do_begin = _sqlite_begin  # type: ignore[method-assign,assignment]
        if database and database != ":memory:":
            checkpoint_in_background(engine, Path(database).resolve())
        return engine
    if sa_url.get_backend_name() == "postgresql" and sa_url.drivername == "postgresql":
        sa_url = sa_url.set(drivername="postgresql+psycopg")
    # Webhook mode holds a connection per resident being worked off (bot/telegram/webhook/inbox.py).
    return sa.create_engine(sa_url, pool_pre_ping=True, pool_size=10, max_overflow=15)


@contextmanager
def session_scope(engine: Engine) -> Iterator[Session]:
    """A session committed on success and rolled back on error."""
    with Session(engine, expire_on_commit=False) as session:
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise


def alembic_config(engine: Engine) -> Config:
    """An Alembic config that migrates through `engine`'s connections."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.attributes["engine"] = engine
    return config




@contextmanager
def _migration_lock(engine: Engine) -> Iterator[None]:
    if engine.dialect.name != "postgresql":
        yield
        return
    with engine.connect() as connection:
        connection.execute(sa.text("SELECT pg_advisory_lock(:key)"), {"key": MIGRATION_KEY})
        connection.commit()
        try:
            yield
        finally:  # a session lock outlives the pool's checkin: give it back
            connection.execute(sa.text("SELECT pg_advisory_unlock(:key)"), {"key": MIGRATION_KEY})
            connection.commit()


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Apply the migrations up to `revision` (one process at a time on PostgreSQL)."""
    with _migration_lock(engine):
        before = current_revision(engine)
        command.upgrade(alembic_config(engine), revision)
        after = current_revision(engine)
    if after != before:
        log.info("database schema migrated from %s to %s", before or "empty", after)


def modelled(name: str | None, type_: str, _parents: Any) -> bool:
    """Whether a table or index found in the database is one the models describe (for autogenerate)."""
    return not (type_ in ("table", "index") and name is not None and UNMODELLED.fullmatch(name))


def current_revision(engine: Engine) -> str | None:
    """The revision the database is at, or None when it was never migrated."""
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()
