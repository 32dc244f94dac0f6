"""A realistic national-volume database: N complaints over three years, with reporters, photos, history,
deadlines, conversations and sent outbox rows, written with COPY (PostgreSQL) or executemany (SQLite).

Used by bench/operators.py and by the query-plan and /statistik tests (with small N). Rows are made in
chunks, so memory stays flat whatever N is; the same seed gives the same database.
"""

from __future__ import annotations

import json
import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from bench.bulk_insert import CHUNK, BulkWriter
from storage.codes import ALPHABET, LENGTH
from storage.models import (
    Agency,
    Complaint,
    Conversation,
    Operator,
    Outbox,
    Photo,
    Reporter,
    StatusChange,
)

AGENCIES = [("DLH", "Dinas Lingkungan Hidup"), ("PUPR", "Dinas Pekerjaan Umum dan Penataan Ruang"),
            ("DUKCAPIL", "Dinas Kependudukan dan Pencatatan Sipil"), ("DINSOS", "Dinas Sosial"),
            ("DINKES", "Dinas Kesehatan"), ("DISHUB", "Dinas Perhubungan"),
            ("SATPOLPP", "Satuan Polisi Pamong Praja"), ("DPKP", "Dinas Perumahan dan Kawasan Permukiman"),
            ("BPBD", "Badan Penanggulangan Bencana Daerah"),
            ("DISKOMINFO", "Dinas Komunikasi dan Informatika")]
# Category, weight (environment first, as in Tangerang Selatan), and the agency (index) that handles it.
CATEGORIES = [("environment", 22, 0), ("waste", 16, 0), ("roads", 15, 1), ("flooding", 10, 7),
              ("street_lighting", 8, 5), ("population_admin", 9, 2), ("social_aid", 8, 3), ("health", 5, 4),
              ("public_order", 4, 6), ("other", 3, 9)]
DESCRIPTIONS = ["Sampah menumpuk di pinggir jalan sejak seminggu, bau dan mengundang lalat.",
                "Jalan berlubang besar di depan sekolah, sudah ada pengendara motor yang jatuh.",
                "Lampu jalan mati sejak dua minggu, jalan gelap dan rawan kecelakaan malam hari.",
                "Saluran air tersumbat, setiap hujan jalan tergenang sampai selutut.",
                "Asap pembakaran sampah dari pabrik setiap malam, warga sesak napas."]
YEARS = 3


@dataclass(frozen=True)
class Seeded:
    """What was written: row counts, and ids the benchmark asks about."""

    complaints: int
    status_changes: int
    outbox: int
    agencies: dict[str, int]
    admin_id: int
    agency_operator_ids: dict[str, int]
    sample_codes: list[str]
    sample_reporters: list[int]


def code_of(number: int, prefix: str = "ADU") -> str:
    """A distinct tracking code per complaint number (an odd multiplier permutes the code space)."""
    value = (number * 0x2F6B3A1 + 0x51ED) % (len(ALPHABET) ** LENGTH)
    chars = []
    for _ in range(LENGTH):
        value, digit = divmod(value, len(ALPHABET))
        chars.append(ALPHABET[digit])
    return f"{prefix}-{''.join(reversed(chars))}"


def _area(number: int, lat: float, lon: float) -> tuple[bool, str | None, str | None]:
    """(outside the area, kelurahan, kecamatan) of a pin: 40 kelurahan in 8 kecamatan, 3% outside."""
    if number % 33 == 0:
        return True, None, None
    row, column = min(7, int((lat + 6.4) / 0.025)), min(4, int((lon - 106.6) / 0.04))
    return False, f"Kelurahan {row * 5 + column + 1:02d}", f"Kecamatan {row + 1}"


class _Complaints:
    """Makes one complaint with its photo, history, outbox row, in the order of `COLUMNS`."""

    def __init__(self, rng: random.Random, now: datetime, reporters: int, agency_ids: list[int]) -> None:
        self.rng, self.now, self.reporters, self.agency_ids = rng, now, reporters, agency_ids
        self.start = now - timedelta(days=365 * YEARS)
        self.weights = [w for _c, w, _a in CATEGORIES]
        self.history_id = 0

    def status_path(self, age: timedelta) -> list[str]:
        """The statuses a complaint of this age went through, received first."""
        r = self.rng.random()
        full = ["received", "verified", "in_progress", "resolved", "closed"]
        if age < timedelta(days=3):
            cut = 1 if r < 0.5 else 2 if r < 0.8 else 3
            return full[:cut] if r < 0.95 else ["received", "archived"]
        if age < timedelta(days=30):
            if r < 0.08:
                return ["received", "archived"]
            if r < 0.11:
                return ["received", "verified", "in_progress", "resolved", "reopened"]
            if r < 0.16:
                return ["received", "verified", "needs_info"]
            return full[:1 + int((r - 0.16) / 0.84 * 5)]
        if r < 0.05:
            return ["received", "archived"]
        if r < 0.08:
            return ["received", "verified", "archived"]
        if r < 0.105:
            return full[:2 + int((r - 0.08) / 0.025 * 3)]  # still open or resolved, long after
        return full

    def make(self, number: int) -> tuple[tuple[Any, ...], tuple[Any, ...], list[tuple[Any, ...]],
                                         tuple[Any, ...]]:
        """(complaint, photo, history, outbox) rows of complaint `number` (1-based)."""
        rng = self.rng
        day = rng.randrange(365 * YEARS)
        created = (self.start + timedelta(days=day, seconds=rng.randrange(-7 * 3600, 15 * 3600)))
        created = min(created, self.now - timedelta(minutes=1)).replace(tzinfo=None)
        category, _w, agency = rng.choices(CATEGORIES, weights=self.weights)[0]
        agency_id = self.agency_ids[agency if rng.random() < 0.85 else rng.randrange(len(self.agency_ids))]
        path = self.status_path(self.now.replace(tzinfo=None) - created)
        moments = [created]
        limit = self.now.replace(tzinfo=None)
        for status in path[1:]:
            step = {"verified": (0.1, 3), "in_progress": (0.5, 5), "needs_info": (0.5, 3),
                    "resolved": (1, 20), "closed": (14, 16), "archived": (0.2, 3),
                    "reopened": (1, 5)}[status]
            moments.append(min(moments[-1] + timedelta(days=rng.uniform(*step)), limit))
        status = path[-1]
        forwarded = "verified" in path
        resolved_at = moments[path.index("resolved")] if status in {"resolved", "closed"} else None
        reporter_id = rng.randrange(1, self.reporters + 1)
        open_ = status in {"received", "verified", "in_progress", "needs_info", "reopened"}
        deadline_at = remind_at = next_update = feedback_due = closed_at = None
        kind = None
        if status in {"received", "reopened", "verified"}:
            kind = "followup" if status == "verified" else "verify"
            deadline_at = moments[-1] + timedelta(days=5 if kind == "followup" else 4)
            remind_at = deadline_at - timedelta(hours=15)
        if open_:
            next_update = limit + timedelta(hours=rng.uniform(-6, 72))
        if status == "resolved":
            assert resolved_at is not None
            feedback_due = resolved_at + timedelta(days=14)
        if status == "closed":
            closed_at = moments[-1]
        updated = moments[-1]
        lat, lon = -6.3 + rng.uniform(-0.1, 0.1), 106.7 + rng.uniform(-0.1, 0.1)
        complaint = (
            number, code_of(number), reporter_id, "telegram" if reporter_id % 10 < 7 else "whatsapp", status,
            "anonymous" if number % 9 == 0 else "public", "Siti Aminah", "Jl. Merdeka 1, RT 02/RW 03", lat,
            lon, "pin", DESCRIPTIONS[number % len(DESCRIPTIONS)], category, "id",
            agency_id if forwarded else None, created, updated, kind, deadline_at, remind_at, next_update,
            resolved_at, feedback_due, True if status == "closed" else None,
            rng.randint(3, 5) if status == "closed" and rng.random() < 0.4 else None, closed_at,
            *_area(number, lat, lon))
        photo = (number, number, 1, f"2026/{number % 97:02d}/{number}.jpg", 1280, 960, 183_000,
                 f"{number:064x}", created)
        history = []
        for i, (to_status, at) in enumerate(zip(path, moments, strict=True)):
            self.history_id += 1
            history.append((self.history_id, number, path[i - 1] if i else None, to_status,
                            None if i == 0 else "Ditindaklanjuti oleh petugas.", True,
                            f"reporter:{reporter_id}" if i == 0 else "operator:1", at))
        outbox = (number, "telegram", str(700_000 + reporter_id), reporter_id, "status",
                  f"Laporan {code_of(number)}: {status}", "[]", None, False, f"status:{number}:{status}",
                  "sent", updated, None, 1, None, None, number, None, None, updated, updated)
        return complaint, photo, history, outbox


def seed(engine: Engine, *, complaints: int, now: datetime, seed_value: int = 13,
         queued_outbox: int = 200, analyze: bool = True) -> Seeded:
    """Fill a migrated, empty database with `complaints` complaints (and all that goes with them).

    `analyze=False` leaves SQLite without planner statistics, as a database Aduan filled itself is.
    """
    rng = random.Random(seed_value)
    now = now.astimezone(UTC)
    reporters = max(1, complaints // 2)
    naive_now = now.astimezone(UTC).replace(tzinfo=None)
    with engine.begin() as connection:
        agency_ids = [connection.execute(sa.insert(Agency.__table__).values(  # type: ignore[arg-type]
            code=code, name=name, created_at=now)).inserted_primary_key[0] for code, name in AGENCIES]
        admin_id = connection.execute(sa.insert(Operator.__table__).values(  # type: ignore[arg-type]
            channel="telegram", external_id="9000", name="Meja Admin", role="admin", agency_id=None,
            active=True, created_at=now)).inserted_primary_key[0]
        agency_ops = {}
        for n, (code, _name) in enumerate(AGENCIES):
            agency_ops[code] = connection.execute(sa.insert(Operator.__table__).values(  # type: ignore[arg-type]
                channel="telegram", external_id=str(9001 + n), name=f"Petugas {code}", role="agency",
                agency_id=agency_ids[n], active=True, created_at=now)).inserted_primary_key[0]
    writer = BulkWriter(engine)
    writer.write(Reporter, _reporters(reporters, naive_now))
    writer.write(Conversation, _conversations(reporters, naive_now, rng))
    maker = _Complaints(rng, now, reporters, agency_ids)
    counts = {"history": 0, "outbox": 0}
    for first in range(1, complaints + 1, CHUNK):
        rows = [maker.make(n) for n in range(first, min(first + CHUNK, complaints + 1))]
        writer.write(Complaint, [r[0] for r in rows])
        writer.write(Photo, [r[1] for r in rows])
        history = [h for r in rows for h in r[2]]
        writer.write(StatusChange, history)
        writer.write(Outbox, [r[3] for r in rows])
        counts["history"] += len(history)
        counts["outbox"] += len(rows)
    queued = [(complaints + n, "telegram", str(700_000 + n), n % reporters + 1, "periodic",
               "Masih diproses.", "[]", None, False, f"periodic:q{n}", "queued",
               naive_now + timedelta(minutes=n % 90 - 30), None, 0, None, None, None, None, None, naive_now,
               None) for n in range(1, queued_outbox + 1)]
    writer.write(Outbox, queued)
    writer.finish(analyze=analyze)
    return Seeded(complaints=complaints, status_changes=counts["history"],
                  outbox=counts["outbox"] + len(queued),
                  agencies=dict(zip([c for c, _n in AGENCIES], agency_ids, strict=True)), admin_id=admin_id,
                  agency_operator_ids=agency_ops, sample_codes=[code_of(n) for n in _spread(complaints, 50)],
                  sample_reporters=list(_spread(reporters, 50)))


def _spread(total: int, count: int) -> Iterator[int]:
    step = max(1, total // count)
    return iter(range(1, total + 1, step))


def _reporters(count: int, now: datetime) -> Iterator[tuple[Any, ...]]:
    start = now - timedelta(days=365 * YEARS)
    for n in range(1, count + 1):
        channel = "telegram" if n % 10 < 7 else "whatsapp"
        external = str(700_000 + n) if channel == "telegram" else f"62812{n:07d}"
        yield (n, channel, external, external, "Warga", "id", start, now - timedelta(days=n % 300), None,
               None, start, now)


def _conversations(count: int, now: datetime, rng: random.Random) -> Iterator[tuple[Any, ...]]:
    for n in range(1, count + 1):
        drafting = rng.random() < 0.005
        data = json.dumps({"draft": {"description": "Sampah menumpuk"}} if drafting else {})
        yield (n, n, "collecting" if drafting else "idle", data,
               now - timedelta(minutes=rng.randrange(1, 60 * 24 * 30)))
