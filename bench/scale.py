"""Benchmark: updates/s with 1 and with 2 `aduan run` instances in webhook mode on one PostgreSQL, same run.

    ADUAN_TEST_POSTGRES_URL=postgresql+psycopg://… .venv/bin/python bench/scale.py [--residents 100]

Each resident files a whole report (start, consent, name, an album of two photos with the description,
pin, submit: 7 updates) through the Bot API simulator, which delivers every update to a load balancer
stand-in that spreads them over the instances. The pacing limits are raised far out of the way, so what
is measured is what the instances can take, not Telegram's 30 messages/s. Prints updates/s for 1 and 2
instances and their ratio; the p99 of the turn latency (from the instances' own /metrics histograms);
the p99 of the webhook's 200 (the update stored, as seen by the load balancer); and the CPU each process
used, which says what limits the second instance on this machine.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import socket
import sys
import tempfile
import time
import uuid
from pathlib import Path

import aiohttp
import sqlalchemy as sa
from aiohttp import web

from bot.simulator import BotApiSimulator, SimUser

TOKEN = "515151515:AAH-scale-bench-token-abcdefghijk"
UPDATES_PER_RESIDENT = 7
DIGITS = ["Nol", "Satu", "Dua", "Tiga", "Empat", "Lima", "Enam", "Tujuh", "Delapan", "Sembilan"]


def _photo() -> bytes:
    from io import BytesIO

    from PIL import Image

    buffer = BytesIO()
    Image.new("RGB", (640, 480), (120, 160, 90)).save(buffer, "JPEG", quality=80)
    return buffer.getvalue()


def _cpu_seconds(pid: int | None = None) -> float:
    """User plus system CPU time of a process so far (Linux /proc)."""
    fields = Path(f"/proc/{pid or 'self'}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _database(admin_url: str) -> str:
    name = f"aduan_scale_{uuid.uuid4().hex[:10]}"
    admin = sa.create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return sa.make_url(admin_url).set(database=name).render_as_string(hide_password=False)


def _drop(admin_url: str, url: str) -> None:
    admin = sa.create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{sa.make_url(url).database}" WITH (FORCE)'))
    admin.dispose()


class Balancer:
    """Spreads webhook calls over the instances at random and times each 200."""

    def __init__(self, ports: list[int]) -> None:
        self.ports = ports
        self.accept_ms: list[float] = []
        self.rng = random.Random(14)

    async def handle(self, request: web.Request) -> web.Response:
        body = await request.read()
        headers = {k: v for k, v in request.headers.items()
                   if k in ("X-Telegram-Bot-Api-Secret-Token", "Content-Type")}
        started = time.perf_counter()
        async with self.http.post(f"http://127.0.0.1:{self.rng.choice(self.ports)}{request.path}", data=body,
                                  headers=headers) as response:
            self.accept_ms.append((time.perf_counter() - started) * 1000)
            return web.Response(status=response.status)

    async def start(self) -> int:
        self.http = aiohttp.ClientSession()
        app = web.Application()
        app.router.add_post("/webhook/telegram", self.handle)
        self.runner = web.AppRunner(app, access_log=None)
        await self.runner.setup()
        port = _free_port()
        await web.TCPSite(self.runner, "127.0.0.1", port).start()
        return port

    async def stop(self) -> None:
        await self.runner.cleanup()
        await self.http.close()


async def _ready(port: int) -> None:
    async with asyncio.timeout(60), aiohttp.ClientSession() as http:
        while True:
            try:
                async with http.get(f"http://127.0.0.1:{port}/readyz") as response:
                    if response.status == 200:
                        return
            except aiohttp.ClientConnectionError:
                pass
            await asyncio.sleep(0.1)


async def _histogram(ports: list[int]) -> dict[float, float]:
    """The instances' turn-latency buckets added up (upper bound -> cumulative count)."""
    buckets: dict[float, float] = {}
    async with aiohttp.ClientSession() as http:
        for port in ports:
            async with http.get(f"http://127.0.0.1:{port}/metrics") as response:
                for line in (await response.text()).splitlines():
                    if line.startswith("aduan_turn_seconds_bucket"):
                        bound = line.split('le="')[1].split('"')[0]
                        upper = float("inf") if bound == "+Inf" else float(bound)
                        buckets[upper] = buckets.get(upper, 0.0) + float(line.rsplit(" ", 1)[1])
    return buckets


def _p99_from(buckets: dict[float, float], before: dict[float, float]) -> float:
    counts = sorted((upper, count - before.get(upper, 0.0)) for upper, count in buckets.items())
    total = counts[-1][1]
    low, seen = 0.0, 0.0
    for upper, cumulative in counts:
        if cumulative >= 0.99 * total:
            if upper == float("inf"):
                return low
            share = (0.99 * total - seen) / max(cumulative - seen, 1e-9)
            return low + (upper - low) * share
        low, seen = upper, cumulative
    return low


async def _resident(user: SimUser, n: int, photo: bytes) -> None:
    await user.send_text("/start")
    await user.replies(timeout=120)
    await user.send_text("ya")
    await user.replies(timeout=120)
    await user.send_text(f"Warga {DIGITS[n // 10 % 10]} {DIGITS[n % 10]}")  # a name is letters only
    await user.replies(timeout=120)
    await user.send_album([photo, photo], caption=f"Sampah menumpuk di pinggir jalan blok {n}")
    await user.replies(timeout=120)
    # Each resident at their own spot: one spot would offer to follow the first report there.
    await user.send_location(-6.2 - 0.05 * (n // 10 % 10), 106.6 + 0.05 * (n % 10) + 0.5 * (n // 100))
    await user.replies(2, timeout=120)
    await user.send_text("kirim")
    await user.replies(timeout=120)


async def measure(instances: int, residents: int, admin_url: str, photo: bytes) -> dict[str, float]:
    """One measurement: `instances` processes, a warm-up of 10 residents, then `residents` timed."""
    url = _database(admin_url)
    ports = [_free_port() for _ in range(instances)]
    processes = []
    try:
        async with BotApiSimulator(TOKEN) as sim:
            balancer = Balancer(ports)
            lb_port = await balancer.start()
            media = tempfile.mkdtemp(prefix="aduan-scale-")
            env = {**os.environ, "DATABASE_URL": url, "TELEGRAM_BOT_TOKEN": TOKEN,
                   "TELEGRAM_API_URL": sim.url, "TELEGRAM_MODE": "webhook", "PUBLIC_BASE_URL": f"http://127.0.0.1:{lb_port}",
                   "MEDIA_DIR": media, "LOG_LEVEL": "WARNING", "ALBUM_WAIT_SECONDS": "0.3",
                   "TELEGRAM_RATE_PER_SECOND": "100000", "TELEGRAM_RATE_PER_CHAT_PER_SECOND": "1000"}
            aduan = str(Path(sys.executable).with_name("aduan"))
            for port in ports:
                processes.append(await asyncio.create_subprocess_exec(
                    aduan, "run", env={**env, "HTTP_PORT": str(port)}, stdout=asyncio.subprocess.DEVNULL))
            await asyncio.gather(*(_ready(port) for port in ports))
            warm = [sim.user(800_000 + n, first_name="Warm") for n in range(10)]
            await asyncio.gather(*(_resident(user, n, photo) for n, user in enumerate(warm)))
            before = await _histogram(ports)
            balancer.accept_ms.clear()
            cpu_before = [_cpu_seconds(p.pid) for p in processes]
            own_before = _cpu_seconds()
            users = [sim.user(900_000 + n, first_name="Warga") for n in range(residents)]
            started = time.perf_counter()
            await asyncio.gather(*(_resident(user, n, photo) for n, user in enumerate(users)))
            took = time.perf_counter() - started
            cpu = [_cpu_seconds(p.pid) - b for p, b in zip(processes, cpu_before, strict=True)]
            own_cpu = _cpu_seconds() - own_before
            p99 = _p99_from(await _histogram(ports), before)
            accepts = sorted(balancer.accept_ms)
            await balancer.stop()
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            await process.wait()
        _drop(admin_url, url)
    updates = residents * UPDATES_PER_RESIDENT
    return {"updates_s": updates / took, "p99_turn_ms": p99 * 1000, "seconds": took,
            "accept_p50_ms": accepts[len(accepts) // 2], "accept_p99_ms": accepts[int(len(accepts) * 0.99)],
            "instance_cpu_share": sum(cpu) / took, "bench_cpu_share": own_cpu / took}


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--residents", type=int, default=100)
    parser.add_argument("--rounds", type=int, default=2, help="each mode this often, taking turns; best kept")
    args = parser.parse_args()
    admin_url = os.environ.get("ADUAN_TEST_POSTGRES_URL") or os.environ.get("ADUAN_BENCH_POSTGRES_URL")
    if not admin_url:
        raise SystemExit("set ADUAN_TEST_POSTGRES_URL (a PostgreSQL server to create databases in)")
    photo = _photo()
    best: dict[int, dict[str, float]] = {}
    for _round in range(args.rounds):
        for instances in (1, 2):
            result = await measure(instances, args.residents, admin_url, photo)
            if instances not in best or result["updates_s"] > best[instances]["updates_s"]:
                best[instances] = result
    print(f"{args.residents} residents x {UPDATES_PER_RESIDENT} updates, webhook mode, PostgreSQL, "
          f"{os.cpu_count()} CPUs (load average {os.getloadavg()[0]:.1f} at the end); "
          f"best of {args.rounds} rounds each")
    for instances, r in sorted(best.items()):
        print(f"{instances} instance{'s' if instances > 1 else ' '}: {r['updates_s']:7.1f} updates/s   "
              f"p99 turn {r['p99_turn_ms']:6.1f} ms   webhook 200 p50 {r['accept_p50_ms']:5.1f} ms "
              f"p99 {r['accept_p99_ms']:5.1f} ms   CPU: instances {r['instance_cpu_share']:.2f} cores, "
              f"simulator+balancer+residents {r['bench_cpu_share']:.2f} cores")
    print(f"2 instances / 1 instance = {best[2]['updates_s'] / best[1]['updates_s']:.2f}")


if __name__ == "__main__":
    asyncio.run(main())
