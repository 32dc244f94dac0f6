"""PostgreSQL advisory locks keyed by a resident, so several instances handle one resident at a time.

Three name spaces keep the locks apart: the turn's (a transaction-level lock taken inside the turn's
transaction), the inbox's (a session-level lock held while one instance works off a resident's stored
webhook messages in order) and the arrival's (a transaction-level lock around storing one of them, so a
resident's rows become visible in the order of their ids and stored times). On SQLite there is one writer
process, and these are no-ops.
"""

from __future__ import annotations

import zlib

import sqlalchemy as sa
from sqlalchemy.engine import Connection

# Locks with one 64-bit key, all here so that no two uses share one.
MIGRATION_KEY = 0x4164_7561_6E00  # instances starting together on one PostgreSQL migrate one at a time
LEADER_KEY = 0x4164_7561_6E01  # held by the process that runs the periodic producers
TALLY_KEY = 0x4164_7561_6E02  # instances starting together keep the tallies one at a time
# Locks keyed by a resident: (space, key).
TURN_SPACE = 0x41_64_75_01  # "Adu" + 1
INBOX_SPACE = 0x41_64_75_02
BUDGET_SPACE = 0x41_64_75_03  # a channel's shared send budget (storage/send_budget.py)
ARRIVAL_SPACE = 0x41_64_75_04

_XACT_LOCK = sa.text("SELECT pg_advisory_xact_lock(:space, :key)")
_TRY_LOCK = sa.text("SELECT pg_try_advisory_lock(:space, :key)")
_UNLOCK = sa.text("SELECT pg_advisory_unlock(:space, :key)")


def resident_key(channel: str, resident: str) -> int:
    """A signed 32-bit key for a resident (collisions only make two residents wait for each other)."""
    value = zlib.crc32(f"{channel}:{resident}".encode())
    return value - (1 << 32) if value >= 1 << 31 else value


def shared(connection: Connection) -> bool:
    """Whether this database may be shared by several processes (PostgreSQL)."""
    return connection.dialect.name == "postgresql"


def lock_resident_turn(connection: Connection, *, channel: str, resident: str) -> None:
    """Wait for, and hold until the transaction ends, the resident's turn lock."""
    if shared(connection):
        connection.execute(_XACT_LOCK, {"space": TURN_SPACE, "key": resident_key(channel, resident)})


def try_lock_resident_queue(connection: Connection, resident: str, *, channel: str) -> bool:
    """Take the resident's inbox lock for this connection's session, if nobody holds it."""
    if not shared(connection):
        return True
    got = connection.execute(_TRY_LOCK, {"space": INBOX_SPACE, "key": resident_key(channel, resident)})
    return bool(got.scalar())


def unlock_resident_queue(connection: Connection, resident: str, *, channel: str) -> None:
    """Give the resident's inbox lock back."""
    if shared(connection):
        connection.execute(_UNLOCK, {"space": INBOX_SPACE, "key": resident_key(channel, resident)})


def lock_resident_arrival(connection: Connection, *, channel: str, resident: str) -> None:
    """Wait for, and hold until the transaction ends, the lock on storing the resident's next message."""
    if shared(connection):
        connection.execute(_XACT_LOCK, {"space": ARRIVAL_SPACE, "key": resident_key(channel, resident)})
