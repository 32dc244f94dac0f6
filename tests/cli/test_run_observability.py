"""What an operator and a load balancer see of a running service: /metrics, /healthz, /readyz."""

from __future__ import annotations

import asyncio
from pathlib import Path

import aiohttp
import pytest
from live_telegram import file_report
from live_webhook import TOKEN, running, webhook_settings
from sqlalchemy.engine import Engine

from bot.http_server import Readiness, bound_port, build_app, start_server
from bot.metrics_route import metrics_routes
from bot.simulator import BotApiSimulator
from bot.telegram.webhook import service as webhook_service
from helpers import jpeg

METRICS_TOKEN = "metrics-bearer-token-123"


async def test_metrics_need_the_token_and_show_what_happened(db_url: str, tmp_path: Path) -> None:
    async with BotApiSimulator(TOKEN) as sim:
        settings = webhook_settings(sim, db_url, tmp_path / "media", "ptb", metrics_token=METRICS_TOKEN)
        async with running(settings) as url, aiohttp.ClientSession() as http:
            user = sim.user(42, first_name="Rina")
            await file_report(user, "Jalan berlubang besar di depan sekolah", jpeg())
            for headers in ({}, {"Authorization": "Bearer wrong"}, {"Authorization": METRICS_TOKEN}):
                async with http.get(url + "/metrics", headers=headers) as refused:
                    assert refused.status == 401
            async with http.get(url + "/metrics", headers={"Authorization": f"Bearer {METRICS_TOKEN}"}) as ok:
                assert ok.status == 200 and ok.content_type == "text/plain"
                text = await ok.text()
    lines = {line.rsplit(" ", 1)[0]: float(line.rsplit(" ", 1)[1]) for line in text.splitlines()
             if line and not line.startswith("#")}
    assert lines['aduan_complaints{status="received"}'] == 1.0
    assert lines["aduan_oldest_unverified_complaint_seconds"] >= 0.0
    assert lines["aduan_deadline_breaches"] == 0.0
    assert lines['aduan_webhook_inbox_depth{channel="telegram"}'] == 0.0
    assert lines['aduan_webhook_inbox_depth{channel="whatsapp"}'] == 0.0
    assert lines['aduan_updates_received_total{channel="telegram",kind="photo"}'] >= 1.0
    assert lines['aduan_updates_received_total{channel="telegram",kind="choice"}'] >= 3.0
    assert lines['aduan_turn_seconds_count{channel="telegram"}'] >= 6.0
    assert lines['aduan_replies_sent_total{result="ok"}'] >= 6.0
    assert "aduan_outbox_sends_total" in text and "aduan_outbox_messages" in text


@pytest.mark.parametrize(("bound_to", "status"), [("127.0.0.1", 200), ("0.0.0.0", 404)])
async def test_without_a_token_metrics_are_served_only_on_loopback(
        engine: Engine, bound_to: str, status: int) -> None:
    app = build_app(engine=engine, routes=[metrics_routes(engine, token=None, bound_to=bound_to)])
    runner = await start_server(app, host="127.0.0.1", port=0)
    try:
        async with aiohttp.ClientSession() as http, \
                http.get(f"http://127.0.0.1:{bound_port(runner)}/metrics") as response:
            assert response.status == status
    finally:
        await runner.cleanup()


async def test_readiness_follows_the_service(engine: Engine) -> None:
    readiness = Readiness()
    runner = await start_server(build_app(engine=engine, readiness=readiness), host="127.0.0.1", port=0)
    url = f"http://127.0.0.1:{bound_port(runner)}"
    try:
        async with aiohttp.ClientSession() as http:
            async with http.get(url + "/readyz") as response:
                assert response.status == 503
            readiness.ready = True
            async with http.get(url + "/readyz") as response:
                assert response.status == 200
            async with http.get(url + "/healthz") as response:
                assert (await response.json()) == {"status": "ok", "database": "ok"}
    finally:
        await runner.cleanup()


async def test_health_reports_telegrams_delivery_errors(db_url: str, tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(webhook_service, "INFO_TTL", 0.0)
    async with BotApiSimulator(TOKEN) as sim:
        settings = webhook_settings(sim, db_url, tmp_path / "media", "aiogram")
        async with running(settings) as url, aiohttp.ClientSession() as http:
            async with http.get(url + "/healthz") as response:
                found = await response.json()
            assert found["status"] == "ok" and found["telegram_webhook"]["status"] == "ok"
            # Someone re-set the webhook with another secret: every delivery now gets 403.
            async with http.post(f"{sim.url}/bot{TOKEN}/setWebhook",
                                 json={"url": f"{url}/webhook/telegram", "secret_token": "other"}):
                pass
            await sim.user(7, first_name="Ani").send_text("/bantuan")
            for _attempt in range(100):  # until the simulator has tried (and failed) to deliver it
                async with http.get(url + "/healthz") as response:
                    found = await response.json()
                if found["status"] != "ok":
                    break
                await asyncio.sleep(0.05)
            assert response.status == 200  # the database answers; Telegram's side is reported
            assert found["status"] == "degraded"
            hook = found["telegram_webhook"]
            assert hook["status"] == "errors" and hook["pending_update_count"] >= 1
            assert "403" in hook["last_error_message"]
