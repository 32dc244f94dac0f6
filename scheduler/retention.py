"""Retention: personal data of complaints closed longer ago than the notice promises is erased.

The job works in batches, one transaction each; a complaint once erased is marked, so a re-run (after a
crash, or the next tick) picks up where it stopped and erases nothing twice. Photo files are deleted
before the batch commits: a crash in between leaves rows that the re-run erases (the files already gone).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy.engine import Engine

from storage.privacy import erase_expired_complaints, erase_reporter
from storage.retention import expired_complaints, forgotten_reporters, retention_cutoff

log = logging.getLogger(__name__)
BATCH = 100


@dataclass
class PurgeResult:
    """What a purge erased (or, dry, would erase)."""

    complaint_codes: list[str] = field(default_factory=list)
    reporters: int = 0
    files: int = 0


def purge(engine: Engine, *, now: datetime, years: int, delete_file: Callable[[str], None],
          dry_run: bool = False, batch: int = BATCH,
          after_batch: Callable[[PurgeResult], None] | None = None) -> PurgeResult:
    """Erase the personal data of complaints closed, resolved or archived more than `years` ago.

    Then residents with nothing left but their identity and no message within the period become
    tombstones too. `after_batch` is told the running totals after each committed batch.
    """
    cutoff = retention_cutoff(now, years)
    result = PurgeResult()
    while True:
        with engine.connect() as connection:
            due = expired_complaints(connection, cutoff=cutoff, limit=batch,
                                     skip=len(result.complaint_codes) if dry_run else 0)
            if not due:
                break
            if dry_run:
                result.complaint_codes += [code for _id, code in due]
                continue
            erased = erase_expired_complaints(connection, complaint_ids=[i for i, _code in due], now=now)
            _delete_all(erased.files, delete_file)
            connection.commit()
            result.complaint_codes += erased.complaint_codes
            result.files += len(erased.files)
        if after_batch is not None:
            after_batch(result)
    _forget_reporters(engine, cutoff=cutoff, now=now, delete_file=delete_file, dry_run=dry_run,
                      batch=batch, result=result)
    if result.complaint_codes or result.reporters:
        log.info("retention: %s erased %d complaints and %d residents", "would have" if dry_run else "",
                 len(result.complaint_codes), result.reporters)
    return result


def _forget_reporters(engine: Engine, *, cutoff: datetime, now: datetime, delete_file: Callable[[str], None],
                      dry_run: bool, batch: int, result: PurgeResult) -> None:
    while True:
        with engine.connect() as connection:
            skip = result.reporters if dry_run else 0
            due = forgotten_reporters(connection, cutoff=cutoff, limit=batch, skip=skip)
            if not due:
                return
            if dry_run:
                result.reporters += len(due)
                continue
            files: list[str] = []
            for reporter_id in due:
                erased = erase_reporter(connection, reporter_id=reporter_id, now=now, reason="retention",
                                        actor="system")
                if erased is not None:
                    result.reporters += 1
                    files += erased.files
            _delete_all(files, delete_file)
            connection.commit()
            result.files += len(files)


def _delete_all(paths: list[str], delete_file: Callable[[str], None]) -> None:
    for path in paths:
        delete_file(path)
