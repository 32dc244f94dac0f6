"""Fills a migrated database with N realistic complaints (with reporters, agencies, photos and history),
fast: plain executemany on SQLite, COPY on PostgreSQL. Shared by the benchmarks.

    .venv/bin/python bench/fill.py --database-url sqlite:///./data/bench.db --complaints 1000000
"""

from __future__ import annotations

import argparse
import random
import time
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from storage.codes import ALPHABET, LENGTH
from storage.db import make_engine, upgrade

AGENCIES = [("DLH", "Dinas Lingkungan Hidup"), ("PUPR", "Dinas Pekerjaan Umum dan Penataan Ruang"),
            ("DUKCAPIL", "Dinas Kependudukan dan Pencatatan Sipil"), ("DINSOS", "Dinas Sosial"),
            ("DINKES", "Dinas Kesehatan"), ("SATPOLPP", "Satpol PP"), ("DISHUB", "Dinas Perhubungan"),
            ("BPBD", "Badan Penanggulangan Bencana Daerah")]
CATEGORIES = ["environment", "roads", "waste", "flooding", "street_lighting", "population_admin",
              "social_aid", "health", "public_order", "other"]
# Each kelurahan with its kecamatan (stored on the complaint when KELURAHAN_GEOJSON is set: issue 16).
KELURAHAN = {"Ciputat": "Ciputat", "Serua": "Ciputat", "Jombang": "Ciputat", "Sawah Baru": "Ciputat",
             "Pamulang Barat": "Pamulang", "Benda Baru": "Pamulang", "Pondok Aren": "Pondok Aren",
             "Jurang Mangu Barat": "Pondok Aren", "Rempoa": "Ciputat Timur", "Cempaka Putih": "Ciputat Timur",
             "Pisangan": "Ciputat Timur", "Rengas": "Ciputat Timur"}
STREETS = ["Jl. Merdeka", "Jl. Siliwangi", "Jl. Pajajaran", "Jl. Ir. H. Juanda", "Jl. Dewi Sartika",
           "Jl. Raya Serpong", "Jl. Kenanga", "Jl. Cendrawasih"]
# Status weights: most LAPOR! reports are completed (92.4% in Tangerang Selatan, 2024).
STATUSES = [("resolved", 30), ("closed", 50), ("archived", 6), ("in_progress", 4), ("verified", 3),
            ("needs_info", 1), ("reopened", 1), ("received", 5)]
PRIVACY = [("public", 80), ("anonymous", 15), ("confidential", 5)]
BATCH = 20_000
REPORTERS = 50_000


def _code(n: int) -> str:
    # A bijection of n onto the code space (multiplying by an odd number modulo a power of two), so
    # codes are unique but do not run in order.
    space = len(ALPHABET) ** LENGTH
    value = (n * 0x5DEECE66D + 11) % space
    chars = []
    for _ in range(LENGTH):
        value, digit = divmod(value, len(ALPHABET))
        chars.append(ALPHABET[digit])
    return "ADU-" + "".join(chars)


def _ts(moment: datetime | None, sqlite: bool) -> Any:
    if moment is None:
        return None
    naive = moment.astimezone(UTC).replace(tzinfo=None)
    return naive.strftime("%Y-%m-%d %H:%M:%S.%f") if sqlite else naive


def _weighted(rng: random.Random, options: Sequence[tuple[str, int]]) -> str:
    return rng.choices([o for o, _w in options], weights=[w for _o, w in options])[0]


def _rows(n: int, *, now: datetime, years: float, sqlite: bool, seed: int) -> Iterator[tuple[list[Any], ...]]:
    """For each complaint: its row, its photo row, and its history rows (ids are 1..n)."""
    rng = random.Random(seed)
    span = timedelta(days=365 * years).total_seconds()
    for cid in range(1, n + 1):
        # Older complaints first, so ids follow created_at as they do in real life.
        created = now - timedelta(seconds=span * (1 - cid / n) + rng.random() * 60)
        status = _weighted(rng, STATUSES)
        privacy = _weighted(rng, PRIVACY)
        category = rng.choice(CATEGORIES)
        agency = None if status == "received" else rng.randint(1, len(AGENCIES))
        verified = created + timedelta(hours=rng.randint(2, 70)) if status != "received" else None
        published = verified if verified is not None and privacy != "confidential" else None
        resolved = (created + timedelta(days=rng.randint(1, 20), hours=rng.randint(0, 8))
                    if status in {"resolved", "closed"} else None)
        updated = resolved or verified or created
        deadline = (created + timedelta(days=5) if status == "received"
                    else verified + timedelta(days=7) if status == "verified" and verified else None)
        kelurahan = rng.choice(list(KELURAHAN))
        place = (f"{rng.choice(STREETS)} {rng.randint(1, 200)}, RT {rng.randint(1, 12):02d}/"
                 f"RW {rng.randint(1, 9)}, Kel. {kelurahan}")
        row = [cid, _code(cid), 1 + cid % REPORTERS, "telegram", status, privacy, f"Warga {cid}", place,
               -6.3 + rng.uniform(-0.08, 0.08), 106.7 + rng.uniform(-0.08, 0.08), "pin",
               f"Laporan nomor {cid}: masalah {category} di {place}, mohon segera ditindaklanjuti.", category,
               "id", agency, _ts(created, sqlite), _ts(updated, sqlite), "verify" if deadline else None,
               _ts(deadline, sqlite), None, None, _ts(resolved, sqlite), None, None, None,
               _ts(resolved + timedelta(days=10), sqlite) if status == "closed" and resolved else None,
               _ts(published, sqlite), kelurahan, KELURAHAN[kelurahan]]
        photo = [cid, cid, 1, f"2026/01/{cid:08d}.jpg", 1280, 960, 180_000, f"{cid:064x}",
                 _ts(created, sqlite)]
        history = [[cid, None, "received", None, True, f"reporter:{cid}", _ts(created, sqlite)]]
        if verified is not None:
            history.append([cid, "received", "verified", "Diteruskan ke instansi terkait", True, "operator:1",
                            _ts(verified, sqlite)])
        if resolved is not None:
            history.append([cid, "verified", "resolved", "Sudah ditangani petugas", True, "operator:2",
                            _ts(resolved, sqlite)])
        yield row, photo, history


COMPLAINT_COLUMNS = ("id", "code", "reporter_id", "channel", "status", "privacy", "name", "address",
                     "latitude", "longitude", "location_source", "description", "category", "locale",
                     "agency_id", "created_at", "updated_at", "deadline_kind", "deadline_at",
                     "deadline_remind_at", "next_update_at", "resolved_at", "feedback_due_at",
                     "fixed_confirmed", "rating", "closed_at", "published_at", "kelurahan", "kecamatan")
PHOTO_COLUMNS = ("id", "complaint_id", "position", "path", "width", "height", "size_bytes", "sha256",
                 "created_at")
HISTORY_COLUMNS = ("complaint_id", "from_status", "to_status", "note", "public", "actor", "created_at")


def _write(raw: Any, table: str, columns: Sequence[str], rows: list[list[Any]], sqlite: bool) -> None:
    if not rows:
        return
    if sqlite:
        marks = ", ".join("?" for _ in columns)
        raw.executemany(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})", rows)
        return
    with raw.cursor() as cursor, cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)


def fill(engine: Engine, complaints: int, *, years: float = 3.0, seed: int = 15,
         now: datetime | None = None) -> float:
    """Add agencies, reporters and `complaints` complaints to an empty migrated database; seconds taken."""
    started = time.perf_counter()
    now = now or datetime.now(UTC)
    sqlite = engine.dialect.name == "sqlite"
    with engine.begin() as connection:
        for code, name in AGENCIES:
            connection.execute(sa.text("INSERT INTO agency (code, name, created_at) VALUES (:c, :n, :t)"),
                               {"c": code, "n": name, "t": now.replace(tzinfo=None)})
        reporters = [{"channel": "telegram", "external_id": str(i), "chat_id": str(i), "locale": "id",
                      "created_at": now.replace(tzinfo=None), "updated_at": now.replace(tzinfo=None)}
                     for i in range(1, REPORTERS + 1)]
        connection.execute(sa.text("INSERT INTO reporter (channel, external_id, chat_id, locale, created_at, "
                                   "updated_at) VALUES (:channel, :external_id, :chat_id, :locale, "
                                   ":created_at, :updated_at)"), reporters)
    raw_connection = engine.raw_connection()
    try:
        raw = raw_connection.driver_connection
        if sqlite:
            raw.execute("BEGIN")
        batch: tuple[list[list[Any]], list[list[Any]], list[list[Any]]] = ([], [], [])
        for row, photo, history in _rows(complaints, now=now, years=years, sqlite=sqlite, seed=seed):
            batch[0].append(row)
            batch[1].append(photo)
            batch[2].extend(history)
            if len(batch[0]) >= BATCH:
                _flush(raw, batch, sqlite)
        _flush(raw, batch, sqlite)
        if sqlite:
            raw.execute("COMMIT")  # no ANALYZE: Aduan's own SQLite databases have no planner statistics
        else:
            raw.commit()
            for table in ("complaint", "photo", "statuschange"):
                raw.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                            f"(SELECT max(id) FROM {table}))")
            raw.commit()
            raw.autocommit = True
            raw.execute("VACUUM ANALYZE")
    finally:
        raw_connection.close()
    return time.perf_counter() - started


def _flush(raw: Any, batch: tuple[list[list[Any]], ...], sqlite: bool) -> None:
    for table, columns, rows in zip(("complaint", "photo", "statuschange"),
                                    (COMPLAINT_COLUMNS, PHOTO_COLUMNS, HISTORY_COLUMNS), batch, strict=True):
        _write(raw, table, columns, rows, sqlite)
        rows.clear()


def main() -> None:
    """Fill the database named on the command line."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--complaints", type=int, default=100_000)
    args = parser.parse_args()
    engine = make_engine(args.database_url)
    upgrade(engine)
    seconds = fill(engine, args.complaints)
    print(f"{args.complaints:,} complaints in {seconds:.1f} s")


if __name__ == "__main__":
    main()
