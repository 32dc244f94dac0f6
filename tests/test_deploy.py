"""The deployment files, checked without a container engine: they parse and agree with the README."""

from __future__ import annotations

import configparser
import re
import shlex
from pathlib import Path
from typing import Any

import yaml

from bot.settings import Settings

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text()
COMPOSE: dict[str, Any] = yaml.safe_load((ROOT / "compose.yaml").read_text())


def test_compose_runs_postgres_two_instances_and_one_worker() -> None:
    services = COMPOSE["services"]
    assert set(services) == {"postgres", "aduan-1", "aduan-2", "worker"}
    commands = {name: service.get("command") for name, service in services.items()}
    assert commands == {"postgres": None, "aduan-1": ["run"], "aduan-2": ["run"], "worker": ["worker"]}
    for name in ("aduan-1", "aduan-2", "worker"):
        service = services[name]
        assert service["build"] == "."
        assert service["depends_on"]["postgres"]["condition"] == "service_healthy"
        assert service["environment"]["TELEGRAM_MODE"] == "webhook"
        assert service["environment"]["DATABASE_URL"].startswith("postgresql+psycopg://")
        assert "media:/data/media" in service["volumes"]  # every instance sees every photo
    published = [service.get("ports") for name, service in services.items() if name.startswith("aduan-")]
    assert published == [["127.0.0.1:8081:8080"], ["127.0.0.1:8082:8080"]]


def test_every_variable_compose_uses_is_a_setting_documented_in_the_readme() -> None:
    text = (ROOT / "compose.yaml").read_text()
    used = set(re.findall(r"\$\{([A-Z_]+)", text))
    used |= set(COMPOSE["services"]["aduan-1"]["environment"])
    fields = {name.upper() for name in Settings.model_fields}
    for variable in used:
        assert f"`{variable}`" in README, f"{variable} is not documented in README.md"
        assert variable in fields or variable == "POSTGRES_PASSWORD", variable
    assert {"TELEGRAM_BOT_TOKEN", "PUBLIC_BASE_URL", "TELEGRAM_WEBHOOK_SECRET", "METRICS_TOKEN"} <= used


def test_the_systemd_unit_runs_the_readmes_command() -> None:
    unit = configparser.ConfigParser(interpolation=None, strict=False)
    unit.optionxform = str  # type: ignore[assignment,method-assign]
    unit.read(ROOT / "deploy" / "aduan.service")
    start = unit["Service"]["ExecStart"]
    assert f"ExecStart={start}" in README
    program, *arguments = shlex.split(start)
    assert program.endswith("/.venv/bin/aduan") and arguments == ["run"]
    assert unit["Service"]["Restart"] == "always" and unit["Service"]["User"] == "aduan"
    assert unit["Install"]["WantedBy"] == "multi-user.target"


def test_the_image_is_slim_non_root_and_migrates_at_start() -> None:
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert re.search(r"^FROM python:3\.11-slim", dockerfile, re.MULTILINE)
    users = re.findall(r"^USER (\S+)", dockerfile, re.MULTILINE)
    assert users and users[-1] == "aduan"
    assert "pip install ." in dockerfile
    entrypoint = (ROOT / "deploy" / "entrypoint.sh").read_text()
    assert entrypoint.index("aduan db upgrade") < entrypoint.index('exec aduan "$@"')
    for copied in re.findall(r"^COPY (\S+) ", dockerfile, re.MULTILINE):
        for part in copied.split():
            assert (ROOT / part).exists(), part
