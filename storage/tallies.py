"""The tallies /statistik adds up: complaints counted per local day, kept current by database triggers.

Counting a million complaints takes the database about a second; adding up their tallies (a few hundred
rows per day) takes milliseconds. Triggers keep the tallies, so every way a complaint is written (the
flows, the ORM, plain statements, COPY, a fix by hand) counts, in the same transaction. The days are
local days in the service's time zone, so the tallies are built for one zone (`tallystate`); when the
zone changes they are rebuilt. SQLite has no time zones, so there a zone with daylight saving time
(none in Indonesia) keeps no tallies, and /statistik counts the complaints instead.
"""

from __future__ import annotations

import re
from datetime import datetime
from functools import cache
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from storage.models import utcnow

TRIGGERS = ("aduan_tally_rows", "aduan_tally_update", "aduan_tally_insert", "aduan_tally_delete")
TRACKED = "status, category, agency_id, created_at, resolved_at"
DONE = "('resolved', 'closed')"
ALL_AGENCIES = -1
NO_AGENCY = 0


@cache
def fixed_offset_minutes(timezone: str) -> int | None:
    """The zone's UTC offset in minutes when it has been the same since 2000 (all of Indonesia's)."""
    zone = ZoneInfo(timezone)
    offsets = {datetime(year, month, 1, 12, tzinfo=zone).utcoffset() for year in range(2000, 2040)
               for month in (1, 4, 7, 10)}
    if len(offsets) != 1:
        return None
    (offset,) = offsets
    assert offset is not None
    return int(offset.total_seconds()) // 60


def kept_in(connection: Connection) -> str | None:
    """The time zone the tallies count days in, or None when none are kept."""
    return connection.execute(sa.text("SELECT timezone FROM tallystate")).scalar()


def keep_tallies(engine: Engine, *, timezone: str) -> bool:
    """Keep the tallies in `timezone`'s days: (re)built from the complaints unless already so kept.

    Returns whether tallies are kept (SQLite cannot for zones with daylight saving time).
    """
    with engine.begin() as connection:
        # A migration that rebuilds the complaint table (SQLite's batch mode) drops its triggers: then
        # the tallies are rebuilt too.
        if kept_in(connection) == timezone and _triggers_present(connection):
            return True
        day = _day_sql(connection.dialect.name, timezone)
        drop_triggers(connection)
        for table in ("tallystate", "complainttally", "resolutiontally"):
            connection.execute(sa.text(f"DELETE FROM {table}"))
        if day is None:
            return False
        for statement in _trigger_ddl(connection.dialect.name, day):
            connection.execute(sa.text(statement))
        _rebuild(connection, day)
        connection.execute(sa.text("INSERT INTO tallystate (timezone, built_at) VALUES (:zone, :at)"),
                           {"zone": timezone, "at": utcnow().replace(tzinfo=None)})
    return True


def _triggers_present(connection: Connection) -> bool:
    if connection.dialect.name == "postgresql":
        query = ("SELECT count(*) FROM pg_trigger WHERE tgrelid = 'complaint'::regclass "
                 "AND tgname LIKE 'aduan_tally_%'")
        expected = 2
    else:
        query = "SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'aduan_tally_%'"
        expected = 3
    return connection.execute(sa.text(query)).scalar() == expected


def drop_triggers(connection: Connection) -> None:
    """Stop keeping tallies (the rows stay until rebuilt)."""
    if connection.dialect.name == "postgresql":
        for trigger in TRIGGERS[1:]:
            connection.execute(sa.text(f"DROP TRIGGER IF EXISTS {trigger} ON complaint"))
        connection.execute(sa.text("DROP FUNCTION IF EXISTS aduan_tally_rows()"))
        connection.execute(sa.text("DROP FUNCTION IF EXISTS aduan_tally_add(complaint, integer)"))
    else:
        for trigger in TRIGGERS[1:]:
            connection.execute(sa.text(f"DROP TRIGGER IF EXISTS {trigger}"))


def _day_sql(dialect: str, timezone: str) -> str | None:
    """SQL for the local day of a naive-UTC column `{c}` in `timezone`; None if the database cannot."""
    ZoneInfo(timezone)  # raises for an unknown zone
    if not re.fullmatch(r"[A-Za-z0-9_+\-/]+", timezone):
        raise ValueError(f"unexpected time zone name {timezone!r}")
    if dialect == "postgresql":
        return f"(({{c}}) AT TIME ZONE 'UTC' AT TIME ZONE '{timezone}')::date"
    offset = fixed_offset_minutes(timezone)
    return None if offset is None else f"date({{c}}, '{offset:+d} minutes')"


def _add(row: str, delta: str, day: str) -> list[str]:
    """Statements adding `delta` for complaint `row` (NEW, OLD or a PL/pgSQL record) to both tallies."""
    received, resolved = day.format(c=f"{row}.created_at"), day.format(c=f"{row}.resolved_at")
    return [
        f"INSERT INTO complainttally (day, agency_id, status, category, n) VALUES ({received}, "
        f"COALESCE({row}.agency_id, {NO_AGENCY}), {row}.status, {row}.category, {delta}) "
        "ON CONFLICT (day, agency_id, status, category) DO UPDATE SET n = complainttally.n + excluded.n",
        f"INSERT INTO resolutiontally (agency_id, day, resolved_day, n) "
        f"SELECT a, {received}, {resolved}, {delta} FROM (SELECT COALESCE({row}.agency_id, {NO_AGENCY}) AS a "
        f"UNION ALL SELECT {ALL_AGENCIES}) AS agencies "
        f"WHERE {row}.status IN {DONE} AND {row}.resolved_at IS NOT NULL "
        "ON CONFLICT (agency_id, day, resolved_day) DO UPDATE SET n = resolutiontally.n + excluded.n",
    ]


def _trigger_ddl(dialect: str, day: str) -> list[str]:
    if dialect == "postgresql":
        body = ";\n".join(_add("r", "d", day))
        return [
            f"CREATE FUNCTION aduan_tally_add(r complaint, d integer) RETURNS void LANGUAGE plpgsql AS $$\n"
            f"BEGIN\n{body};\nEND $$",
            "CREATE FUNCTION aduan_tally_rows() RETURNS trigger LANGUAGE plpgsql AS $$\nBEGIN\n"
            "IF TG_OP <> 'INSERT' THEN PERFORM aduan_tally_add(OLD, -1); END IF;\n"
            "IF TG_OP <> 'DELETE' THEN PERFORM aduan_tally_add(NEW, 1); END IF;\n"
            "RETURN NULL;\nEND $$",
            f"CREATE TRIGGER aduan_tally_update AFTER UPDATE OF {TRACKED} ON complaint "
            "FOR EACH ROW EXECUTE FUNCTION aduan_tally_rows()",
            "CREATE TRIGGER aduan_tally_insert AFTER INSERT OR DELETE ON complaint "
            "FOR EACH ROW EXECUTE FUNCTION aduan_tally_rows()",
        ]
    # SQLite: the parser needs a WHERE before ON CONFLICT in INSERT ... SELECT, which _add has.
    added, removed = ";\n".join(_add("NEW", "1", day)), ";\n".join(_add("OLD", "-1", day))
    return [
        f"CREATE TRIGGER aduan_tally_insert AFTER INSERT ON complaint BEGIN\n{added};\nEND",
        f"CREATE TRIGGER aduan_tally_update AFTER UPDATE OF {TRACKED} ON complaint BEGIN\n"
        f"{removed};\n{added};\nEND",
        f"CREATE TRIGGER aduan_tally_delete AFTER DELETE ON complaint BEGIN\n{removed};\nEND",
    ]


def _rebuild(connection: Connection, day: str) -> None:
    received, resolved = day.format(c="created_at"), day.format(c="resolved_at")
    connection.execute(sa.text(
        f"INSERT INTO complainttally (day, agency_id, status, category, n) "
        f"SELECT {received}, COALESCE(agency_id, {NO_AGENCY}), status, category, COUNT(*) FROM complaint "
        f"GROUP BY {received}, COALESCE(agency_id, {NO_AGENCY}), status, category"))
    done = f"FROM complaint WHERE status IN {DONE} AND resolved_at IS NOT NULL"
    connection.execute(sa.text(
        f"INSERT INTO resolutiontally (agency_id, day, resolved_day, n) "
        f"SELECT COALESCE(agency_id, {NO_AGENCY}), {received}, {resolved}, COUNT(*) {done} "
        f"GROUP BY COALESCE(agency_id, {NO_AGENCY}), {received}, {resolved} "
        f"UNION ALL SELECT {ALL_AGENCIES}, {received}, {resolved}, COUNT(*) {done} "
        f"GROUP BY {received}, {resolved}"))
