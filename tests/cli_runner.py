"""The `aduan` app run in-process, for the CLI command tests."""

from __future__ import annotations

from typer.testing import CliRunner

from bot.cli import app

runner = CliRunner()


def run(*args: str) -> tuple[int, str]:
    """Run `aduan ARGS…`: its exit code and what it printed."""
    result = runner.invoke(app, list(args))
    return result.exit_code, result.output
