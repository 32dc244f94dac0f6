"""The `aduan` command line: the Typer app and its command groups."""

from bot.cli.app import app

__all__ = ["app"]
