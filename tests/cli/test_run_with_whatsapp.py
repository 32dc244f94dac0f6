"""`aduan run` with only Twilio configured: the webhook server answers in the same service."""

from __future__ import annotations

import asyncio
import socket
from pathlib import Path
from urllib.parse import urlencode

import aiohttp
from fake_twilio import FakeTwilio
from live_whatsapp import RESIDENT, fixture_form, sign, whatsapp_settings

from bot.runner import serve


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def test_the_service_answers_whatsapp_webhooks_and_health(tmp_path: Path) -> None:
    port = _free_port()
    async with FakeTwilio() as fake:
        settings = whatsapp_settings(fake, f"sqlite:///{tmp_path / 'aduan.db'}", tmp_path / "media",
                                     http_port=port)
        assert settings.telegram_bot_token is None and settings.whatsapp_configured
        assert fake.auth_token in settings.secrets()
        service = asyncio.create_task(serve(settings))
        try:
            async with aiohttp.ClientSession() as http:
                for _attempt in range(200):
                    try:
                        async with http.get(f"http://127.0.0.1:{port}/healthz") as health:
                            assert health.status == 200
                            break
                    except aiohttp.ClientConnectionError:
                        await asyncio.sleep(0.02)
                form = {**fixture_form("text"), "Body": "bantuan"}
                headers = {"X-Twilio-Signature": sign("/webhook/whatsapp", form),
                           "Content-Type": "application/x-www-form-urlencoded"}
                async with http.post(f"http://127.0.0.1:{port}/webhook/whatsapp", data=urlencode(form),
                                     headers=headers) as response:
                    assert response.status == 200
        finally:
            service.cancel()
            await asyncio.gather(service, return_exceptions=True)
    [answer] = fake.posts  # the message under way was finished at shutdown
    assert answer["To"] == RESIDENT and "LAPOR" in answer["Body"]
