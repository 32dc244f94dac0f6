"""Benchmark: the public pages and Open311 reads on a database of N complaints, on SQLite and PostgreSQL.

    .venv/bin/python bench/public.py [--complaints 1000000] [--database sqlite|postgresql|both]
                                     [--requests 400] [--keep] [--only NAME]

The server (Aduan's own aiohttp app with the public and Open311 routes) runs in its own process; this one
sends the requests. For each page: latency one request at a time (p50, p99) and throughput with 8 at a
time (requests/s, p99). Target: every page under 100 ms p99. PostgreSQL needs ADUAN_BENCH_POSTGRES_URL (or
ADUAN_TEST_POSTGRES_URL): a server where a throwaway database can be created. With --keep, filled
databases are kept (SQLite under data/, PostgreSQL as aduan_bench_N) and reused by the next run.
Before measuring, the whole database is read once into the operating system's cache (as a server that has
been answering for a while holds it): the figures are not those of a disk's first read of each part.
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing as mp
import os
import random
import statistics
import sys
import time
from multiprocessing.connection import Connection
from pathlib import Path

import aiohttp

sys.path.insert(0, str(Path(__file__).resolve().parent))
from fill import fill
from public_paths import database, drop, pages, warm

from bot.heap import freeze_startup_objects
from bot.http_server import bound_port, build_app, start_server
from bot.open311.routes import open311_routes
from bot.public.routes import public_routes
from bot.public.site import Site
from handlers.deadlines import calendar
from handlers.turn import FlowConfig
from storage.db import make_engine, upgrade
from storage.media import MediaStore
from storage.tallies import keep_tallies

CONFIG = FlowConfig()
CONCURRENCY = 8
TARGET_MS = 100.0


def serve(url: str, pipe: Connection) -> None:
    """Serve the public pages and Open311 over `url` until the parent goes away."""
    async def run() -> None:
        engine = make_engine(url)
        site = Site(engine=engine, config=CONFIG, media=MediaStore(Path("/nonexistent")),
                    base_url="https://aduan.example.go.id", requests_per_minute=10**9, posts_per_minute=10**9,
                    # The statistics read anew for every request: the cost one reader in 5 seconds pays.
                    statistics_seconds=0)
        app = build_app(engine=engine, routes=[public_routes(site), open311_routes(site)])
        runner = await start_server(app, host="127.0.0.1", port=0)
        freeze_startup_objects()
        pipe.send(bound_port(runner))
        await asyncio.to_thread(pipe.recv)  # the parent's "stop"
        await runner.cleanup()
    asyncio.run(run())


# What one listed item looks like in each kind of answer (to count what came back).
ITEMS = (b'class="report-card"', b'"service_request_id"', b"<request>")


async def measure(root: str, order: list[str], concurrency: int,
                  rows: list[int] | None = None) -> tuple[float, list[float]]:
    """Requests/s and each request's latency (ms) for the paths in `order`, `concurrency` at a time; the
    number of items in each answer goes to `rows`."""
    latencies: list[float] = []
    queue = iter(order)

    async def worker(http: aiohttp.ClientSession) -> None:
        for path in queue:
            started = time.perf_counter()
            async with http.get(root + path) as response:
                body = await response.read()
                assert response.status == 200, (path, response.status)
            latencies.append((time.perf_counter() - started) * 1000)
            if rows is not None:
                rows.append(max(body.count(item) for item in ITEMS))

    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=concurrency)) as http:
        started = time.perf_counter()
        await asyncio.gather(*(worker(http) for _ in range(concurrency)))
        elapsed = time.perf_counter() - started
    return len(order) / elapsed, latencies


def rounds(paths: list[str], requests: int) -> tuple[list[str], list[str], list[str]]:
    """A warm-up, then the requests sent one at a time, then those sent 8 at a time (shuffled).

    When there are enough different paths, no path is sent twice (so no answer comes from a cache).
    """
    rng = random.Random(7)
    if len(paths) >= 2 * requests + 20:
        shuffled = rng.sample(paths, len(paths))
        return shuffled[:20], shuffled[20:20 + requests], shuffled[20 + requests:20 + 2 * requests]
    order = [paths[i % len(paths)] for i in range(requests)]
    rng.shuffle(order)
    return order[:20], order, list(reversed(order))


def p99(values: list[float]) -> float:
    """The 99th percentile."""
    return statistics.quantiles(values, n=100)[98]


Figures = tuple[str, float, float, float, float, float]


async def bench(url: str, requests: int, only: str) -> list[Figures]:
    """Each page's figures: name, p50 and p99 alone, requests/s and p99 with 8 at a time, items per answer."""
    engine = make_engine(url)
    paths = pages(engine, requests)
    engine.dispose()
    context = mp.get_context("spawn")
    parent, child = context.Pipe()
    server = context.Process(target=serve, args=(url, child), daemon=True)
    server.start()
    port = parent.recv()
    root = f"http://127.0.0.1:{port}"
    results: list[Figures] = []
    try:
        for name, kind in paths.items():
            if only and only not in name and name != "/healthz":
                continue
            warm, alone_order, loaded_order = rounds(kind, requests)
            await measure(root, warm, CONCURRENCY)
            rows: list[int] = []
            _rate, alone = await measure(root, alone_order, 1, rows)
            rate, loaded = await measure(root, loaded_order, CONCURRENCY)
            results.append((name, statistics.median(alone), p99(alone), rate, p99(loaded),
                            statistics.mean(rows)))
    finally:
        parent.send("stop")
        server.join(timeout=10)
    return results


def main() -> None:
    """Fill (or reuse) each database, measure every page, print the table."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--complaints", type=int, default=20_000)
    parser.add_argument("--database", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--requests", type=int, default=400)
    parser.add_argument("--keep", action="store_true", help="keep the filled databases for the next run")
    parser.add_argument("--only", default="", help="measure only the pages whose name has this in it")
    args = parser.parse_args()
    kinds = ["sqlite", "postgresql"] if args.database == "both" else [args.database]
    print(f"{args.complaints:,} complaints over 3 years; {args.requests} requests per page alone, then "
          f"{CONCURRENCY} at a time; target p99 < {TARGET_MS:.0f} ms; load {os.getloadavg()[0]:.2f}")
    for kind in kinds:
        url, fresh = database(kind, args.complaints, args.keep)
        try:
            engine = make_engine(url)
            upgrade(engine)  # a kept database follows the schema
            if fresh:
                print(f"{kind}: filled in {fill(engine, args.complaints):.0f} s")
            started = time.perf_counter()  # /statistik's tallies, as `aduan run` keeps them at start
            keep_tallies(engine, timezone=CONFIG.timezone, is_working_day=calendar(CONFIG).is_working_day)
            print(f"{kind}: tallies kept ({time.perf_counter() - started:.1f} s)")
            engine.dispose()
            started = time.perf_counter()
            megabytes = warm(kind, url)
            print(f"{kind}: {megabytes:,} MB read into memory first in {time.perf_counter() - started:.0f} s")
            base: float | None = None
            figures = asyncio.run(bench(url, args.requests, args.only))
            for name, p50, alone99, rate, loaded99, items in figures:
                verdict = "ok" if alone99 < TARGET_MS else "OVER"
                base = base or alone99
                print(f"{kind:10} {name:18} alone p50 {p50:6.1f} ms  p99 {alone99:6.1f} ms {verdict:4} "
                      f"({alone99 / base:5.1f}x healthz) | x{CONCURRENCY} {rate:7.1f} req/s  "
                      f"p99 {loaded99:6.1f} ms | {items:6.1f} items")
            print(f"load average after {kind}: {os.getloadavg()[0]:.2f}")
        finally:
            if not args.keep:
                drop(kind, url)


if __name__ == "__main__":
    main()
