"""Bulk inserts for the national-volume seed: COPY on PostgreSQL, executemany on SQLite."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine

CHUNK = 20_000

# The columns the seeder writes, in the order its rows hold them; later columns keep their defaults.
COLUMNS = {
    "reporter": "id channel external_id chat_id profile_name locale consent_at last_inbound_at "
                "unreachable_at opted_out_at created_at updated_at",
    "complaint": "id code reporter_id channel status privacy name address latitude longitude "
                 "location_source description category locale agency_id created_at updated_at deadline_kind "
                 "deadline_at deadline_remind_at next_update_at resolved_at feedback_due_at fixed_confirmed "
                 "rating closed_at outside_area kelurahan kecamatan",
    "photo": "id complaint_id position path width height size_bytes sha256 created_at",
    "statuschange": "id complaint_id from_status to_status note public actor created_at",
    "outbox": "id channel chat_id reporter_id kind text buttons template urgent dedupe_key status due_at "
              "claimed_until attempts last_error provider_id complaint_id photo_path delivery_status "
              "created_at sent_at",
    "conversation": "id reporter_id step data updated_at",
}


def _columns(model: Any) -> list[str]:
    return COLUMNS[model.__tablename__].split()


class BulkWriter:
    """Appends rows in the order of `COLUMNS`: COPY on PostgreSQL, executemany on SQLite."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.postgres = engine.dialect.name == "postgresql"
        self.tables: set[str] = set()

    def write(self, model: Any, rows: Sequence[tuple[Any, ...]] | Iterator[tuple[Any, ...]]) -> None:
        """Append `rows` (naive UTC datetimes) to `model`'s table."""
        table, columns = model.__tablename__, _columns(model)
        self.tables.add(table)
        batch: list[tuple[Any, ...]] = []
        for row in rows:
            batch.append(row)
            if len(batch) >= CHUNK:
                self._flush(table, columns, batch)
                batch = []
        if batch:
            self._flush(table, columns, batch)

    def _flush(self, table: str, columns: list[str], rows: list[tuple[Any, ...]]) -> None:
        raw = self.engine.raw_connection()
        try:
            cursor = raw.cursor()
            names = ", ".join(columns)
            if self.postgres:
                with cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:  # type: ignore[attr-defined]
                    for row in rows:
                        copy.write_row(row)
            else:
                marks = ", ".join("?" * len(columns))
                cursor.execute("BEGIN")
                cursor.executemany(f"INSERT INTO {table} ({names}) VALUES ({marks})",
                                   [tuple(_sqlite_value(v) for v in row) for row in rows])
            raw.commit()
        finally:
            raw.close()

    def finish(self, *, analyze: bool) -> None:
        """Move PostgreSQL's id sequences past the ids written, and refresh both planners' statistics."""
        with self.engine.begin() as connection:
            if self.postgres:
                for table in sorted(self.tables):
                    connection.execute(sa.text(
                        f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                        f"(SELECT COALESCE(MAX(id), 1) FROM {table}))"))
        if self.postgres:
            with self.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
                connection.execute(sa.text("VACUUM ANALYZE"))
        elif analyze:
            with self.engine.begin() as connection:
                connection.execute(sa.text("ANALYZE"))


def _sqlite_value(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat(" ", "microseconds")
    return value
