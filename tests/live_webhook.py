"""`aduan run` in Telegram webhook mode for tests: the real service, its HTTP server on a free port."""

from __future__ import annotations

import asyncio
import contextlib
import socket
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp

from bot.runner import serve
from bot.settings import Settings
from bot.simulator import BotApiSimulator
from bot.telegram.driver import DriverName

TOKEN = "424242424:AAH-webhook-test-token-abcdefghijk"


def free_port() -> int:
    """A loopback port nobody listens on now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def webhook_settings(sim: BotApiSimulator, db_url: str, media_dir: Path, driver: DriverName,
                     **extra: object) -> Settings:
    """Settings for webhook mode against the simulator, the webhook on a free loopback port."""
    port = free_port()
    values: dict[str, object] = dict(
        _env_file=None, telegram_bot_token=TOKEN, telegram_api_url=sim.url, telegram_driver=driver,
        telegram_mode="webhook", public_base_url=f"http://127.0.0.1:{port}", http_port=port,
        database_url=db_url, media_dir=media_dir, album_wait_seconds=0.3)
    values.update(extra)
    return Settings(**values)  # type: ignore[arg-type]


async def wait_ready(url: str, timeout: float = 20.0) -> None:  # noqa: ASYNC109
    """Wait until GET url/readyz answers 200."""
    async with asyncio.timeout(timeout), aiohttp.ClientSession() as http:
        while True:
            try:
                async with http.get(url + "/readyz") as response:
                    if response.status == 200:
                        return
            except aiohttp.ClientConnectionError:
                pass
            await asyncio.sleep(0.05)


@contextlib.asynccontextmanager
async def running(settings: Settings) -> AsyncIterator[str]:
    """The service running until the block ends; yields its local root URL."""
    service = asyncio.create_task(serve(settings))
    url = f"http://127.0.0.1:{settings.http_port}"
    try:
        waiting = asyncio.create_task(wait_ready(url))
        done, _ = await asyncio.wait({service, waiting}, return_when=asyncio.FIRST_COMPLETED)
        if service in done:
            waiting.cancel()
            service.result()
        await waiting
        yield url
    finally:
        service.cancel()
        await asyncio.gather(service, return_exceptions=True)
