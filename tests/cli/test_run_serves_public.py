"""`aduan run` with only Telegram configured still serves the public pages and Open311 on its HTTP server."""

from __future__ import annotations

import asyncio
import socket
from pathlib import Path

import aiohttp

from bot.runner import serve
from bot.settings import Settings
from bot.simulator import BotApiSimulator

TOKEN = "555000111:AAE-run-test-token-abcdefghijklmno"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def test_the_service_serves_the_public_pages_and_open311(tmp_path: Path) -> None:
    port = _free_port()
    async with BotApiSimulator(TOKEN) as sim:
        settings = Settings(_env_file=None, telegram_bot_token=TOKEN, telegram_api_url=sim.url,
                            database_url=f"sqlite:///{tmp_path / 'aduan.db'}", media_dir=tmp_path / "media",
                            http_port=port)
        assert not settings.whatsapp_configured
        service = asyncio.create_task(serve(settings))
        try:
            async with aiohttp.ClientSession() as http:
                for _attempt in range(250):
                    try:
                        async with http.get(f"http://127.0.0.1:{port}/healthz") as health:
                            assert health.status == 200
                            break
                    except aiohttp.ClientConnectionError:
                        await asyncio.sleep(0.02)
                async with http.get(f"http://127.0.0.1:{port}/laporan?lang=en") as page:
                    assert page.status == 200 and "Public reports" in await page.text()
                async with http.get(f"http://127.0.0.1:{port}/open311/v2/services.json") as services:
                    assert services.status == 200 and len(await services.json()) == 10
                async with http.get(f"http://127.0.0.1:{port}/static/leaflet/leaflet.js") as leaflet:
                    assert leaflet.status == 200 and "Leaflet" in (await leaflet.text())[:300]
        finally:
            service.cancel()
            await asyncio.gather(service, return_exceptions=True)
