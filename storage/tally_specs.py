"""What each tally counts, and the SQL that keeps it: one upsert per tally for each written complaint.

A tally counts complaints per period received (a local day, or the first day of a local month), agency
and its own keys. Each write of a complaint turns into the difference between the old and the new row,
netted per key (a status change leaves the area tallies untouched) and applied in key order, so two
transactions never take the same tally rows in opposite orders. A change to what is counted here needs a
migration that empties `tallystate` (as 0013 does), so that the next start rebuilds the tallies.
"""

from __future__ import annotations

from dataclasses import dataclass

ALL_AGENCIES = -1
NO_AGENCY = 0
DONE = "('resolved', 'closed')"
TRACKED = "status, category, agency_id, created_at, resolved_at, kelurahan, kecamatan, outside_area, rating"

_AGENCY = ("agency_id", f"COALESCE({{r}}.agency_id, {NO_AGENCY})")
_RESOLVED = f"{{r}}.status IN {DONE} AND {{r}}.resolved_at IS NOT NULL"


@dataclass(frozen=True, slots=True)
class Spec:
    """One tally table: its period grain, its keys (column, SQL over the row `{r}`), whom it counts."""

    table: str
    grain: str  # "day" or "month": the local day received, or the first day of its month
    keys: tuple[tuple[str, str], ...]
    only: str = "1 = 1"
    every_agency: bool = False  # also counted once more under ALL_AGENCIES


def _working_days(received: str, resolved: str) -> str:
    """Working days from the day after `received` to `resolved` (from the `workday` table; -1 if unknown)."""
    span = "b.running - a.running"
    return (f"COALESCE((SELECT CASE WHEN {span} < 0 THEN 0 ELSE {span} END FROM workday a, workday b "
            f"WHERE a.day = {received} AND b.day = {resolved}), -1)")


def specs(day: str) -> tuple[Spec, ...]:
    """Every tally, given the SQL of a local day of a column `{c}`."""
    received, resolved = day.format(c="{r}.created_at"), day.format(c="{r}.resolved_at")
    counts = (_AGENCY, ("status", "{r}.status"), ("category", "{r}.category"))
    areas = (_AGENCY, ("kecamatan", "COALESCE({r}.kecamatan, '')"),
             ("kelurahan", "COALESCE({r}.kelurahan, '')"), ("outside_area", "{r}.outside_area"))
    worked = (_AGENCY, ("worked", _working_days(received, resolved)))
    rated = (_AGENCY, ("rating", "{r}.rating"))
    return (Spec("complainttally", "day", counts), Spec("complaintmonth", "month", counts),
            Spec("areatally", "day", areas, every_agency=True),
            Spec("areamonth", "month", areas, every_agency=True),
            Spec("ratingtally", "day", rated, "{r}.rating IS NOT NULL", every_agency=True),
            Spec("ratingmonth", "month", rated, "{r}.rating IS NOT NULL", every_agency=True),
            Spec("resolutiontally", "day", worked, _RESOLVED, every_agency=True),
            Spec("resolutionmonth", "month", worked, _RESOLVED, every_agency=True))


def month_of(dialect: str, day_sql: str) -> str:
    """SQL for the first day of the local month, given the SQL of the local day."""
    if dialect == "postgresql":
        return f"(date_trunc('month', {day_sql}))::date"
    return f"date({day_sql}, 'start of month')"


def _period(spec: Spec, dialect: str, day: str, row: str) -> str:
    received = day.format(c=f"{row}.created_at")
    return received if spec.grain == "day" else month_of(dialect, received)


def _columns(spec: Spec) -> str:
    return ", ".join(["day"] + [name for name, _sql in spec.keys])


def _keys(spec: Spec) -> str:
    return ", ".join(f"k{n}" for n in range(len(spec.keys) + 1))


def _selects(spec: Spec, dialect: str, day: str, *, row: str, delta: str, source: str,
             guard: str) -> list[str]:
    """SELECTs of the row's period and keys (k0, k1, …) with `delta` (d), again under ALL_AGENCIES."""
    values = [_period(spec, dialect, day, row)] + [sql.replace("{r}", row) for _name, sql in spec.keys]
    variants = [values] + ([[values[0], str(ALL_AGENCIES), *values[2:]]] if spec.every_agency else [])
    where = f"{guard} AND {spec.only.replace('{r}', row)}"
    return [f"SELECT {', '.join(f'{v} AS k{n}' for n, v in enumerate(variant))}, {delta} AS d"
            f"{source} WHERE {where}" for variant in variants]


def upsert(spec: Spec, dialect: str, day: str, rows: list[tuple[str, str, str]]) -> str:
    """The statement applying `rows` ((row name, delta, guard) each) to the spec's tally, in key order."""
    parts = [select for row, delta, guard in rows
             for select in _selects(spec, dialect, day, row=row, delta=delta, source="", guard=guard)]
    columns, keys, deltas = _columns(spec), _keys(spec), " UNION ALL ".join(parts)
    # SQLite needs a WHERE before an upsert's ON CONFLICT in INSERT ... SELECT.
    return (f"INSERT INTO {spec.table} ({columns}, n) SELECT {keys}, SUM(d) FROM ({deltas}) "
            f"AS delta WHERE 1 = 1 GROUP BY {keys} HAVING SUM(d) <> 0 ORDER BY {keys} "
            f"ON CONFLICT ({columns}) DO UPDATE SET n = {spec.table}.n + excluded.n")


def rebuild(spec: Spec, dialect: str, day: str) -> str:
    """The statement counting every complaint into the (emptied) tally."""
    parts = _selects(spec, dialect, day, row="complaint", delta="COUNT(*)", source=" FROM complaint",
                     guard="1 = 1")
    grouped = " UNION ALL ".join(f"{part} GROUP BY {_keys(spec)}" for part in parts)
    return f"INSERT INTO {spec.table} ({_columns(spec)}, n) {grouped}"
