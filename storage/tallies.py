"""The tallies /statistik adds up: complaints counted per local day and month, kept current by triggers.

Counting a million complaints takes the database seconds; adding up their tallies (a few hundred rows
per month) takes milliseconds. Triggers keep the tallies (storage/tally_specs.py), so every way a
complaint is written (the flows, the ORM, plain statements, COPY, a fix by hand) counts, in the same
transaction. The days are local days in the service's time zone and the working days to resolution
follow the service's calendar (storage/workdays_table.py), so the tallies are built for one zone and one
calendar (`tallystate`); when either changes they are rebuilt. SQLite has no time zones, so there a zone
with daylight saving time (none in Indonesia) keeps no tallies, and /statistik counts the complaints.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, datetime
from functools import cache
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from storage.models import utcnow
from storage.tally_specs import ALL_AGENCIES, NO_AGENCY, TRACKED, rebuild, specs, upsert
from storage.workdays_table import keep_workdays

__all__ = ["ALL_AGENCIES", "NO_AGENCY", "drop_triggers", "fixed_offset_minutes", "keep_tallies", "kept_in"]
TRIGGERS = ("aduan_tally_rows", "aduan_tally_update", "aduan_tally_insert", "aduan_tally_delete")
TABLES = ("complainttally", "complaintmonth", "areatally", "areamonth", "ratingtally", "ratingmonth",
          "resolutiontally", "resolutionmonth")


TALLY_LOCK = 0x4164_7561_6E02  # beside the migration lock (…6E00) and the producers' (…6E01)


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


def keep_tallies(engine: Engine, *, timezone: str, is_working_day: Callable[[date], bool]) -> bool:
    """Keep the tallies in `timezone`'s days and this calendar: (re)built unless already so kept.

    Returns whether tallies are kept (SQLite cannot for zones with daylight saving time).
    """
    with engine.begin() as connection:
        if connection.dialect.name == "postgresql":  # instances starting together: one builds, one waits
            connection.execute(sa.text("SELECT pg_advisory_xact_lock(:key)"), {"key": TALLY_LOCK})
        calendar_changed = keep_workdays(connection, is_working_day, today=utcnow().date())
        # A migration that rebuilds the complaint table (SQLite's batch mode) drops its triggers: then
        # the tallies are rebuilt too.
        if kept_in(connection) == timezone and _triggers_present(connection) and not calendar_changed:
            return True
        day = _day_sql(connection.dialect.name, timezone)
        drop_triggers(connection)
        for table in ("tallystate", *TABLES):
            connection.execute(sa.text(f"DELETE FROM {table}"))
        if day is None:
            return False
        for statement in _trigger_ddl(connection.dialect.name, day):
            connection.execute(sa.text(statement))
        for spec in specs(day):
            connection.execute(sa.text(rebuild(spec, connection.dialect.name, day)))
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


def _trigger_ddl(dialect: str, day: str) -> list[str]:
    def body(changes: list[tuple[str, str, str]]) -> str:
        return ";\n".join(upsert(spec, dialect, day, changes) for spec in specs(day))

    if dialect == "postgresql":
        changes = [("OLD", "-1", "TG_OP <> 'INSERT'"), ("NEW", "1", "TG_OP <> 'DELETE'")]
        return [
            "CREATE FUNCTION aduan_tally_rows() RETURNS trigger LANGUAGE plpgsql AS $$\nBEGIN\n"
            f"{body(changes)};\nRETURN NULL;\nEND $$",
            f"CREATE TRIGGER aduan_tally_update AFTER UPDATE OF {TRACKED} ON complaint "
            "FOR EACH ROW EXECUTE FUNCTION aduan_tally_rows()",
            "CREATE TRIGGER aduan_tally_insert AFTER INSERT OR DELETE ON complaint "
            "FOR EACH ROW EXECUTE FUNCTION aduan_tally_rows()",
        ]
    new, old = ("NEW", "1", "1 = 1"), ("OLD", "-1", "1 = 1")
    return [
        f"CREATE TRIGGER aduan_tally_insert AFTER INSERT ON complaint BEGIN\n{body([new])};\nEND",
        f"CREATE TRIGGER aduan_tally_update AFTER UPDATE OF {TRACKED} ON complaint BEGIN\n"
        f"{body([old, new])};\nEND",
        f"CREATE TRIGGER aduan_tally_delete AFTER DELETE ON complaint BEGIN\n{body([old])};\nEND",
    ]
