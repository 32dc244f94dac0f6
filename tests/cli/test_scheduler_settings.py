"""The scheduler's settings as an operator writes them in .env, and `aduan worker` without a token."""

from __future__ import annotations

from datetime import date, time
from pathlib import Path

import pytest
from pydantic import ValidationError
from typer.testing import CliRunner

from bot.cli import app
from bot.settings import Settings, get_settings
from bot.wiring import flow_config


def test_env_example_values_are_accepted(tmp_path: Path) -> None:
    example = Path(__file__).resolve().parents[2] / ".env.example"
    settings = Settings(_env_file=example)  # type: ignore[call-arg]
    config = flow_config(settings)
    assert config.quiet_hours == (time(21, 0), time(6, 0))
    assert config.local_holidays == () and config.operator_chat_id is None
    assert (settings.telegram_rate_per_second, settings.whatsapp_rate_per_second) == (30, 80)


def test_local_holidays_and_the_desk_chat(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LOCAL_HOLIDAYS", "2026-11-25, 2026-12-01")
    monkeypatch.setenv("OPERATOR_CHAT_ID", "-1001234567890")
    config = flow_config(Settings(_env_file=None))  # type: ignore[call-arg]
    assert config.local_holidays == (date(2026, 11, 25), date(2026, 12, 1))
    assert config.operator_chat_id == "-1001234567890"


@pytest.mark.parametrize(("name", "value"), [("LOCAL_HOLIDAYS", "25/11/2026"), ("OPERATOR_CHAT_ID", "@desk"),
                                             ("QUIET_HOURS_START", "9pm")])
def test_bad_values_are_refused_at_start(monkeypatch: pytest.MonkeyPatch, name: str, value: str) -> None:
    monkeypatch.setenv(name, value)
    with pytest.raises(ValidationError):
        Settings(_env_file=None)  # type: ignore[call-arg]


def test_worker_needs_a_token(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", "")
    get_settings.cache_clear()
    try:
        result = CliRunner().invoke(app, ["worker"])
    finally:
        get_settings.cache_clear()
    assert result.exit_code == 2
    assert "TELEGRAM_BOT_TOKEN" in result.output
