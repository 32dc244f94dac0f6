"""SQLite's WAL checkpoints, moved off the connections that commit and into one background thread.

By default SQLite checkpoints inside whichever commit pushes the write-ahead log past 1,000 pages: that
commit copies the pages into the database file and waits for the disk (fsync), on the thread that
committed. Turns commit on the event loop, so every resident waited with it; on a busy disk a checkpoint
took from 10 ms to seconds. Engines' connections therefore never checkpoint (`wal_autocheckpoint=0`,
set in storage.db) and this thread does, every `INTERVAL` seconds, for every SQLite file engine still in
use: a PASSIVE checkpoint, which neither waits for nor blocks readers and writers. It also makes a commit
durable (on disk) within about `INTERVAL` seconds, where before that waited for the next checkpoint.
"""

from __future__ import annotations

import logging
import sqlite3
import threading
import weakref
from pathlib import Path

from sqlalchemy.engine import Engine

log = logging.getLogger(__name__)

INTERVAL = 1.0  # seconds between checkpoints
_engines: weakref.WeakKeyDictionary[Engine, Path] = weakref.WeakKeyDictionary()
_lock = threading.Lock()
_wake = threading.Event()
_thread: threading.Thread | None = None


def checkpoint_in_background(engine: Engine, database: Path) -> None:
    """Checkpoint `database` (the file `engine` writes) from the background thread while `engine` lives."""
    global _thread
    with _lock:
        _engines[engine] = database
        if _thread is None or not _thread.is_alive():
            _thread = threading.Thread(target=_run, name="sqlite-checkpoints", daemon=True)
            _thread.start()


def checkpoint_now() -> None:
    """Ask the thread for a round of checkpoints now rather than at its next interval."""
    _wake.set()


def checkpoint(database: Path) -> bool:
    """One PASSIVE checkpoint of `database`; False when the file is gone (its engine is then dropped)."""
    try:  # mode=rw: a database deleted meanwhile (a test's folder) is not created again
        connection = sqlite3.connect(f"file:{database}?mode=rw", uri=True, timeout=0)
    except sqlite3.OperationalError:
        return False
    try:
        connection.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()
    except sqlite3.OperationalError as exc:  # busy: another connection is checkpointing
        log.debug("checkpoint of %s skipped: %s", database.name, exc)
    finally:
        connection.close()
    return True


def _run() -> None:
    while True:
        _wake.wait(INTERVAL)
        _wake.clear()
        with _lock:  # the paths only: holding an engine here would keep it alive
            databases = set(_engines.values())
        for database in databases:
            try:
                alive = checkpoint(database)
            except Exception:  # one database's trouble must not end the others' checkpoints
                log.exception("checkpoint of %s failed", database.name)
                continue
            if not alive:
                _forget(database)


def _forget(database: Path) -> None:
    with _lock:
        for engine in [e for e, path in _engines.items() if path == database]:
            del _engines[engine]
