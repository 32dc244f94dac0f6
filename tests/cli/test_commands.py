"""The `aduan` command line: demo, run without a token, export, migrations, log redaction."""

from __future__ import annotations

import csv
import io
import json
import logging
from collections.abc import Iterator
from pathlib import Path

import pytest
import telegram
from alembic.script import ScriptDirectory
from typer.testing import CliRunner

from bot.cli import app
from bot.logs import REDACTED, setup_logging
from bot.settings import get_settings
from storage.db import alembic_config, make_engine

runner = CliRunner()
TOKEN = "987654321:AAF-secret-token-do-not-log-123456"


@pytest.fixture(autouse=True)
def environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """Settings from a clean environment, with the database and media under a temporary folder."""
    monkeypatch.chdir(tmp_path)
    for name in ("TELEGRAM_BOT_TOKEN", "TELEGRAM_API_URL", "LOG_LEVEL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'data' / 'aduan.db'}")
    monkeypatch.setenv("MEDIA_DIR", str(tmp_path / "media"))
    get_settings.cache_clear()
    yield tmp_path
    get_settings.cache_clear()
    logging.getLogger().handlers.clear()


def test_run_without_a_token_says_so_and_plays_the_demo_which_export_then_shows(tmp_path: Path) -> None:
    result = runner.invoke(app, ["run"])
    assert result.exit_code == 0, result.output
    assert "No TELEGRAM_BOT_TOKEN" in result.output
    assert "Siti: /start" in result.output and "Kode pelacakan: ADU-" in result.output
    code = result.output.rsplit("Filed as ", 1)[1].split(".")[0]

    exported = runner.invoke(app, ["export", "--format", "jsonl"])
    assert exported.exit_code == 0, exported.output
    [record] = [json.loads(line) for line in exported.stdout.splitlines() if line.startswith("{")]
    assert record["code"] == code
    assert (record["status"], record["channel"], record["name"]) == ("received", "telegram", "Siti Rahmawati")
    assert record["latitude"] == pytest.approx(-6.2884) and record["category"] == "roads"
    assert record["description"].startswith("Jalan berlubang")
    assert [h["to"] for h in record["history"]] == ["received"]
    [photo] = record["photos"]
    assert Path(photo).read_bytes()[:2] == b"\xff\xd8"
    for key in ("address", "longitude", "created_at", "updated_at"):
        assert key in record

    as_csv = runner.invoke(app, ["export", "--format", "csv"])
    rows = list(csv.DictReader(io.StringIO(as_csv.stdout)))
    assert [r["code"] for r in rows] == [code] and rows[0]["photos"] == photo


def test_db_upgrade_and_current() -> None:
    result = runner.invoke(app, ["db", "upgrade"])
    head = ScriptDirectory.from_config(alembic_config(make_engine("sqlite://"))).get_current_head()
    assert result.exit_code == 0 and f"at revision {head}" in result.output
    assert runner.invoke(app, ["db", "current"]).stdout.strip() == head


def test_export_of_an_empty_store_is_empty() -> None:
    result = runner.invoke(app, ["export"])
    assert result.exit_code == 0 and result.stdout == ""


def test_tokens_never_reach_the_logs(capfd: pytest.CaptureFixture[str]) -> None:
    setup_logging("DEBUG", [TOKEN])
    telegram.Bot(TOKEN, base_url="http://127.0.0.1:9/bot")  # logs its API URL, token included, at DEBUG
    try:
        raise RuntimeError(f"request to /bot{TOKEN}/getMe failed")
    except RuntimeError:
        logging.getLogger("aduan.test").exception("failure")
    err = capfd.readouterr().err
    assert "Set Bot API URL" in err and REDACTED in err
    assert TOKEN not in err and TOKEN.split(":")[1] not in err


def test_json_log_lines_carry_the_event_and_hide_secrets_and_phones(
        capsys: pytest.CaptureFixture[str]) -> None:
    from bot.logs import log_context

    setup_logging("INFO", [TOKEN], "json")
    log = logging.getLogger("aduan.test")
    with log_context(channel="telegram"):
        log.info("sent with %s to +6281234567890 and 081298765432", TOKEN,
                 extra={"complaint": "ADU-7K3M9Q"})
    [line] = [json.loads(raw) for raw in capsys.readouterr().err.splitlines()]
    assert {k: line[k] for k in ("level", "logger", "channel", "complaint")} == {
        "level": "INFO", "logger": "aduan.test", "channel": "telegram", "complaint": "ADU-7K3M9Q"}
    assert line["message"] == "sent with [REDACTED] to [PHONE] and [PHONE]"
    assert line["time"].endswith("+00:00")
