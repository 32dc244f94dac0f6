"""`aduan telegram webhook info|set|delete` against the Bot API simulator."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bot.cli import app
from bot.settings import get_settings
from bot.simulator import BotApiSimulator

TOKEN = "313131313:AAH-cli-webhook-token-abcdefghijk"


@pytest.fixture
def env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[None]:
    """Settings from the environment, fresh for each test."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'aduan.db'}")
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", TOKEN)
    monkeypatch.setenv("PUBLIC_BASE_URL", "http://127.0.0.1:9")
    monkeypatch.setenv("TELEGRAM_WEBHOOK_SECRET", "operator-chosen-secret")
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


def _invoke(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, list(args))
    return result.exit_code, result.output


async def test_operators_set_inspect_and_delete_the_webhook(
        env: None, monkeypatch: pytest.MonkeyPatch) -> None:
    async with BotApiSimulator(TOKEN) as sim:
        monkeypatch.setenv("TELEGRAM_API_URL", sim.url)
        get_settings.cache_clear()
        code, out = await asyncio.to_thread(_invoke, "telegram", "webhook", "set")
        assert code == 0, out
        assert "http://127.0.0.1:9/webhook/telegram" in out
        [call] = sim.calls_to("setWebhook")
        assert call.params["secret_token"] == "operator-chosen-secret"
        code, out = await asyncio.to_thread(_invoke, "telegram", "webhook", "info")
        assert code == 0, out
        assert json.loads(out)["url"] == "http://127.0.0.1:9/webhook/telegram"
        code, out = await asyncio.to_thread(_invoke, "telegram", "webhook", "delete")
        assert code == 0 and "deleted" in out
        code, out = await asyncio.to_thread(_invoke, "telegram", "webhook", "info")
        assert json.loads(out)["url"] == ""
    assert TOKEN not in out


def test_an_unreachable_bot_api_is_a_clear_error_without_the_token(env: None,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TELEGRAM_API_URL", "http://127.0.0.1:9")
    get_settings.cache_clear()
    code, out = _invoke("telegram", "webhook", "info")
    assert code == 1 and "did not answer" in out and TOKEN not in out
