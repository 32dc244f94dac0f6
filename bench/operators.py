"""Operators' views at national volume: p50/p99 of every operator query and producer scan, with peak RSS.

Fills a database with N complaints (bench/seed.py: three years, realistic statuses, categories and
agencies, ~4.5 status changes, a photo and a sent outbox row each; COPY on PostgreSQL, executemany on
SQLite) in a child process, then, in a fresh process whose peak RSS is the queries' alone, runs each
operator command through the real engine (Conversations.handle, as a chat message is handled) and each
producer scan through the project's own functions, on SQLite and on PostgreSQL.

    .venv/bin/python bench/operators.py [--complaints 1000000] [--rounds 30] [--databases sqlite,postgresql]
        [--postgres-url postgresql+psycopg://aduan@127.0.0.1:55432/postgres] [--keep]

PostgreSQL: the server at --postgres-url (default $ADUAN_BENCH_POSTGRES_URL or $ADUAN_TEST_POSTGRES_URL;
.ci/run shows how to start a throwaway one); the bench creates its own database there and drops it. With
--keep, the filled databases stay (SQLite under data/, PostgreSQL as aduan_bench_operators_N) and the next
run with --keep measures them again without filling.
Targets (issue 13): every query under 200 ms p99 at 1,000,000 complaints, peak RSS under 300 MB.
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing as mp
import os
import pickle
import resource
import shutil
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import sqlalchemy as sa
from sqlmodel import Session

from bench.seed import Seeded, seed
from handlers.deadlines import calendar
from handlers.engine import Conversations
from handlers.messages import Inbound
from handlers.turn import FlowConfig
from scheduler.producers import DraftTimes, due_ids, stale_drafts
from storage.db import make_engine, upgrade
from storage.media import MediaStore
from storage.models import Complaint
from storage.outbox import claim_due, unclaim
from storage.tallies import keep_tallies

NOW = datetime(2026, 11, 20, 3, 0, tzinfo=UTC)  # a Friday morning in Jakarta
TARGET_MS = 200
TARGET_MB = 300


def fill(url: str, complaints: int, out: Any) -> None:
    """Child process: migrate and seed; send back what was seeded and how long it took."""
    engine = make_engine(url)
    upgrade(engine)
    started = time.perf_counter()
    seeded = seed(engine, complaints=complaints, now=NOW)
    filled = time.perf_counter()
    config = FlowConfig()  # what `aduan run` does at start:
    keep_tallies(engine, timezone=config.timezone, is_working_day=calendar(config).is_working_day)
    out.send((seeded, filled - started, time.perf_counter() - filled))
    engine.dispose()


class Operator:
    """An operator (or resident) sending messages to the real engine."""

    def __init__(self, conversations: Conversations, user_id: str) -> None:
        self.conversations, self.user_id = conversations, user_id

    async def send(self, command: str = "", choice: str | None = None) -> None:
        """One command or button press, answered."""
        head, _sep, args = command[1:].partition(" ")
        msg = Inbound(channel="telegram", user_id=self.user_id, chat_id=self.user_id,
                      event_ids=(uuid.uuid4().hex,), received_at=NOW, profile_name="Petugas",
                      language_code="id", command=head or None, args=args, choice=choice)
        replies = await self.conversations.handle(msg)
        assert replies and "Maaf, ada masalah" not in replies[0].text, replies


def measure(url: str, seeded: Seeded, rounds: int, out: Any) -> None:
    """Child process: time every query; send back {name: [ms...]} and the peak RSS."""
    engine = make_engine(url)
    media_folder = tempfile.TemporaryDirectory()
    media = MediaStore(Path(media_folder.name) / "media")
    conversations = Conversations(engine=engine, config=FlowConfig(), media=media, clock=lambda: NOW)
    desk = Operator(conversations, "9000")
    agency = Operator(conversations, "9001")  # DLH: environment and waste, the largest share
    residents = [Operator(conversations, str(700_000 + r)) for r in seeded.sample_reporters]
    codes = seeded.sample_codes
    agency_codes = _codes_of(engine, seeded.agencies["DLH"])
    cases: list[tuple[str, Callable[[int], Awaitable[None] | None]]] = []
    for who, operator in (("admin", desk), ("agency", agency)):
        for period in ("semua", "2025", "30d"):
            cases.append((f"/statistik {period} ({who})",
                          lambda _i, o=operator, p=period: o.send(f"/statistik {p}")))
        cases.append((f"/antrian page 1 ({who})", lambda _i, o=operator: o.send("/antrian")))
        cases.append((f"/antrian page 50 ({who})", lambda _i, o=operator: o.send(choice="opq:all:49")))
    cases.append(("/lihat CODE (admin)", lambda i: desk.send(f"/lihat {codes[i % len(codes)]}")))
    cases.append(("/lihat CODE (agency)",
                  lambda i: agency.send(f"/lihat {agency_codes[i % len(agency_codes)]}")))
    cases.append(("/status (resident)", lambda i: residents[i % len(residents)].send("/status")))
    cases.append(("/status CODE (resident)", lambda i: residents[i % len(residents)].send(
        f"/status {codes[(i * 7) % len(codes)]}")))
    for name, column in (("next_update_at", Complaint.next_update_at),
                         ("deadline_remind_at", Complaint.deadline_remind_at),
                         ("feedback_due_at", Complaint.feedback_due_at)):
        cases.append((f"producer scan: {name}", lambda _i, c=column: _none(due_ids(engine, c, NOW))))
    cases.append(("producer scan: stale drafts",
                  lambda _i: _none(stale_drafts(engine, now=NOW, drafts=DraftTimes()))))
    cases.append(("outbox claim (50 due)", lambda _i: _claim_and_release(engine)))

    async def run() -> dict[str, list[float]]:
        timings: dict[str, list[float]] = {}
        for name, call in cases:
            result = call(0)  # warm-up: caches, the plan, the pool
            if result is not None:
                await result
            times = []
            for i in range(1, rounds + 1):
                started = time.perf_counter()
                result = call(i)
                if result is not None:
                    await result
                times.append((time.perf_counter() - started) * 1000)
            timings[name] = times
        return timings

    timings = asyncio.run(run())
    engine.dispose()
    media_folder.cleanup()
    out.send((timings, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024))


def _none(_value: object) -> None:
    return None


def _claim_and_release(engine: Any) -> None:
    with Session(engine) as session:
        rows = claim_due(session, now=NOW, lease_until=NOW + timedelta(minutes=1), limit=50)
        unclaim(session, row_ids=[r.id for r in rows if r.id is not None])
        session.commit()


def _codes_of(engine: Any, agency_id: int) -> list[str]:
    with engine.connect() as connection:
        return [row[0] for row in connection.execute(
            sa.select(Complaint.code).where(Complaint.agency_id == agency_id).limit(50))]


def in_child(target: Callable[..., None], *args: Any) -> Any:
    """Run `target` in a fresh process and return what it sends back."""
    receive, send = mp.Pipe(duplex=False)
    process = mp.get_context("spawn").Process(target=target, args=(*args, send))
    process.start()
    result = receive.recv()
    process.join()
    if process.exitcode:
        raise SystemExit(f"{target.__name__} failed with exit code {process.exitcode}")
    return result


def percentile(values: list[float], fraction: float) -> float:
    """The value below which `fraction` of `values` lie (nearest rank)."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(fraction * len(ordered)) - 1))]


def report(label: str, filled: tuple[Seeded, float, float], timings: dict[str, list[float]],
           rss: float) -> bool:
    """Print one database's figures; whether every target was met."""
    seeded, seconds, tallied = filled
    print(f"\n{label}: {seeded.complaints:,} complaints, {seeded.status_changes:,} status changes, "
          f"{seeded.outbox:,} outbox rows (filled in {seconds:.0f} s; tallies built in {tallied:.1f} s)")
    met = True
    for name, times in timings.items():
        p50, p99 = statistics.median(times), percentile(times, 0.99)
        flag = "" if p99 < TARGET_MS else f"  over {TARGET_MS} ms"
        met &= p99 < TARGET_MS
        print(f"  {name:<34} p50 {p50:8.1f} ms   p99 {p99:8.1f} ms{flag}")
    met &= rss < TARGET_MB
    print(f"  peak RSS of the measuring process: {rss:.0f} MB (target < {TARGET_MB} MB)")
    return met


@contextmanager
def filled_database(kind: str, args: argparse.Namespace) -> Iterator[tuple[str, tuple[Seeded, float, float]]]:
    """A database of `args.complaints` complaints (kept under data/ with --keep, and reused), and its fill."""
    complaints, keep = args.complaints, args.keep
    record = Path("data") / f"bench-operators-{kind}-{complaints}.pickle"
    if kind == "sqlite":
        folder = Path("data") if keep else Path(tempfile.mkdtemp())
        url, fresh = f"sqlite:///{folder}/bench-operators-{complaints}.db", not (keep and record.exists())
        if fresh:
            for suffix in ("", "-wal", "-shm"):
                Path(f"{folder}/bench-operators-{complaints}.db{suffix}").unlink(missing_ok=True)
    else:
        admin = sa.create_engine(args.postgres_url, isolation_level="AUTOCOMMIT")
        name = f"aduan_bench_operators_{complaints}" if keep else f"aduan_bench_{uuid.uuid4().hex[:8]}"
        url = sa.make_url(args.postgres_url).set(database=name).render_as_string(hide_password=False)
        fresh = not (keep and record.exists())
        with admin.connect() as connection:
            if fresh:
                connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
                connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    Path("data").mkdir(exist_ok=True)
    try:
        if fresh:
            filled = in_child(fill, url, complaints)
            if keep:
                record.write_bytes(pickle.dumps(filled))
        else:
            filled = pickle.loads(record.read_bytes())  # our own file, written by an earlier --keep run
        yield url, filled
    finally:
        if kind == "sqlite" and not keep:
            shutil.rmtree(folder, ignore_errors=True)
        elif kind == "postgresql":
            if not keep:
                with admin.connect() as connection:
                    connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            admin.dispose()


def main() -> None:
    """Fill and measure each database in turn."""
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--complaints", type=int, default=1_000_000)
    parser.add_argument("--rounds", type=int, default=30, help="timed runs of each query (after a warm-up)")
    parser.add_argument("--databases", default="sqlite,postgresql")
    parser.add_argument("--postgres-url", default=os.environ.get("ADUAN_BENCH_POSTGRES_URL")
                        or os.environ.get("ADUAN_TEST_POSTGRES_URL"))
    parser.add_argument("--keep", action="store_true", help="keep the filled databases for the next run")
    args = parser.parse_args()
    print(f"{os.cpu_count()} CPUs (load average {os.getloadavg()[0]:.1f}); "
          f"{args.rounds} timed runs each; targets p99 < {TARGET_MS} ms, peak RSS < {TARGET_MB} MB")
    all_met = True
    for database in args.databases.split(","):
        if database == "postgresql" and not args.postgres_url:
            print("\nPostgreSQL: skipped (give --postgres-url or set ADUAN_BENCH_POSTGRES_URL)")
            continue
        with filled_database(database, args) as (url, filled):
            timings, rss = in_child(measure, url, filled[0], args.rounds)
            all_met &= report("SQLite" if database == "sqlite" else "PostgreSQL", filled, timings, rss)
    print("\nall targets met" if all_met else "\nsome targets missed (marked above)")


if __name__ == "__main__":
    main()
