"""Which process runs the periodic producers: the holder of a PostgreSQL advisory lock.

SQLite allows one writer process anyway, so there every process is the leader.
"""

from __future__ import annotations

import logging

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import DBAPIError

from storage.locks import LEADER_KEY

log = logging.getLogger(__name__)


class Leadership:
    """Holds the producers' advisory lock on a dedicated connection while this process is alive."""

    def __init__(self, engine: Engine, *, key: int = LEADER_KEY) -> None:
        self.engine = engine
        self.key = key
        self._connection: Connection | None = None

    @property
    def shared(self) -> bool:
        """Whether several processes can share this database (PostgreSQL)."""
        return self.engine.dialect.name == "postgresql"

    def is_leader(self) -> bool:
        """Whether this process holds the lock now (taking it when it is free)."""
        if not self.shared:
            return True
        if self._connection is not None:
            try:
                self._connection.execute(sa.text("SELECT 1"))
                self._connection.commit()
                return True
            except DBAPIError:  # the session (and with it the lock) is gone
                log.warning("lost the database connection holding the producers' lock")
                self._drop()
        connection = self.engine.connect()
        got = bool(connection.execute(sa.text("SELECT pg_try_advisory_lock(:key)"), {"key": self.key})
                   .scalar())
        connection.commit()
        if got:
            self._connection = connection
            log.info("this process now runs the periodic producers")
        else:
            connection.close()
        return got

    def release(self) -> None:
        """Give the lock up (on shutdown), so another instance takes over at once."""
        if self._connection is not None:
            try:
                self._connection.execute(sa.text("SELECT pg_advisory_unlock(:key)"), {"key": self.key})
                self._connection.commit()
            except DBAPIError:
                pass
            self._drop()

    def _drop(self) -> None:
        if self._connection is not None:
            try:
                self._connection.invalidate()
                self._connection.close()
            except DBAPIError:
                pass
            self._connection = None
