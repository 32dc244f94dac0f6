"""Several real `aduan run` processes for tests: start, SIGKILL, restart, behind a random load balancer."""

from __future__ import annotations

import asyncio
import contextlib
import json
import random
import signal
import sys
from collections.abc import AsyncIterator, Iterable, Iterator
from pathlib import Path

import aiohttp
from aiohttp import web
from live_webhook import free_port, wait_ready

from scheduler_helpers import postgres_database
from storage.db import make_engine, upgrade


def migrated_postgres() -> Iterator[str]:
    """A migrated PostgreSQL database (skipped without a server), dropped afterwards."""
    for url in postgres_database():
        engine = make_engine(url)
        upgrade(engine)
        engine.dispose()
        yield url


class Instance:
    """One `aduan run` process, its port and its log."""

    def __init__(self, env: dict[str, str], port: int, log: Path) -> None:
        self.env = {**env, "HTTP_PORT": str(port)}
        self.port = port
        self.log = log
        self.process: asyncio.subprocess.Process | None = None

    async def start(self) -> None:
        """Start the process and wait until it answers /readyz."""
        aduan = Path(sys.executable).with_name("aduan")
        with self.log.open("ab") as out:
            self.process = await asyncio.create_subprocess_exec(str(aduan), "run", env=self.env, stderr=out,
                                                                stdout=out)
        await wait_ready(f"http://127.0.0.1:{self.port}", timeout=60)

    async def kill(self) -> None:
        """SIGKILL: no goodbye, no clean-up."""
        assert self.process is not None
        self.process.send_signal(signal.SIGKILL)
        await self.process.wait()

    async def stop(self) -> None:
        """SIGTERM, then SIGKILL if it does not end within 30 seconds."""
        if self.process is not None and self.process.returncode is None:
            self.process.terminate()
            try:
                await asyncio.wait_for(self.process.wait(), 30)
            except TimeoutError:
                self.process.kill()
                await self.process.wait()


@contextlib.asynccontextmanager
async def load_balancer(ports: list[int], seed: int, *, paths: Iterable[str],
                        headers: Iterable[str]) -> AsyncIterator[int]:
    """Sends each POST to `paths` to a random instance with `headers`; 502 when that one is down."""
    rng = random.Random(seed)
    kept = {"Content-Type", *headers}
    async with aiohttp.ClientSession() as http:
        async def forward(request: web.Request) -> web.Response:
            body = await request.read()
            passed = {k: v for k, v in request.headers.items() if k in kept}
            try:
                async with http.post(f"http://127.0.0.1:{rng.choice(ports)}{request.path}", data=body,
                                     headers=passed) as response:
                    return web.Response(status=response.status, body=await response.read(),
                                        content_type=response.content_type)
            except aiohttp.ClientError:
                return web.Response(status=502)

        app = web.Application()
        for path in paths:
            app.router.add_post(path, forward)
        runner = web.AppRunner(app, access_log=None)
        await runner.setup()
        port = free_port()
        await web.TCPSite(runner, "127.0.0.1", port).start()
        try:
            yield port
        finally:
            await runner.cleanup()


def read_logs(instances: list[Instance]) -> str:
    """Every instance's whole log; each line must be a JSON object with time, level, logger and message."""
    log = "\n".join(instance.log.read_text() for instance in instances)
    for line in filter(None, log.splitlines()):
        entry = json.loads(line)
        assert {"time", "level", "logger", "message"} <= set(entry), line[:80]
    return log


def in_order(said: list[str], expected: list[str]) -> bool:
    """Whether the replies are the expected ones (by how they start), in order, none twice (some missing)."""
    position = 0
    for text in said:
        while position < len(expected) and not text.startswith(expected[position]):
            position += 1
        if position == len(expected):
            return False
        position += 1
    return True


def busiest_second(times: list[float]) -> int:
    """The most events in any one second."""
    times = sorted(times)
    most, start = 0, 0
    for end, at in enumerate(times):
        while times[start] <= at - 1.0:
            start += 1
        most = max(most, end - start + 1)
    return most
