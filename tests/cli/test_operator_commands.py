"""`aduan agency …` and `aduan operator …`."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlmodel import Session, select
from typer.testing import CliRunner

from bot.cli import app
from bot.settings import get_settings
from storage.db import make_engine
from storage.models import Invite, Operator

runner = CliRunner()


@pytest.fixture(autouse=True)
def environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """A clean database under a temporary folder."""
    monkeypatch.chdir(tmp_path)
    url = f"sqlite:///{tmp_path / 'aduan.db'}"
    monkeypatch.setenv("DATABASE_URL", url)
    get_settings.cache_clear()
    yield url
    get_settings.cache_clear()


def run(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.output


def test_agencies_and_operators(environment: str) -> None:
    added = run("agency", "add", "dlh", "Dinas Lingkungan Hidup")
    assert added == (0, "agency DLH: Dinas Lingkungan Hidup\n")
    code, out = run("agency", "add", "DLH", "Again")
    assert code != 0 and "exists already" in out
    rina = ("--telegram-id", "77", "--role", "agency", "--agency", "dlh", "--name", "Rina")
    assert run("operator", "add", *rina)[0] == 0
    assert run("operator", "add", "--telegram-id", "78", "--role", "admin", "--name", "Desk")[0] == 0
    assert run("operator", "list")[1].splitlines() == ["78\tadmin\t-\tDesk", "77\tagency\tDLH\tRina"]
    assert run("operator", "remove", "--telegram-id", "77")[0] == 0
    assert run("operator", "remove", "--telegram-id", "77")[0] == 1
    with Session(make_engine(environment)) as session:
        removed = session.exec(select(Operator).where(Operator.external_id == "77")).one()
    assert not removed.active


@pytest.mark.parametrize(("args", "problem"), [
    (["--telegram-id", "5", "--role", "agency", "--name", "X"], "needs --agency CODE"),
    (["--telegram-id", "5", "--role", "agency", "--agency", "NOPE", "--name", "X"], "no agency 'NOPE'"),
    (["--telegram-id", "5", "--role", "boss", "--name", "X"], "boss"),
])
def test_bad_operator_input_is_explained(args: list[str], problem: str) -> None:
    code, out = run("operator", "add", *args)
    assert code != 0 and problem in out


def test_an_invite_prints_a_code_and_stores_only_its_hash(environment: str) -> None:
    code, out = run("operator", "invite", "--role", "admin")
    invite_code = out.splitlines()[0]
    assert code == 0 and len(invite_code) == 10
    with Session(make_engine(environment)) as session:
        [invite] = session.exec(select(Invite)).all()
    assert invite_code not in invite.code_hash and len(invite.code_hash) == 64
