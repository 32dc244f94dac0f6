"""`aduan agency …` and `aduan operator …`."""

from __future__ import annotations

import pytest
from cli_runner import run
from sqlmodel import Session, select

from storage.db import make_engine
from storage.models import Invite, Operator

pytestmark = pytest.mark.usefixtures("cli_database")


def test_agencies_and_operators(cli_database: str) -> None:
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
    with Session(make_engine(cli_database)) as session:
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


def test_an_invite_prints_a_code_and_stores_only_its_hash(cli_database: str) -> None:
    code, out = run("operator", "invite", "--role", "admin")
    invite_code = out.splitlines()[0]
    assert code == 0 and len(invite_code) == 10
    with Session(make_engine(cli_database)) as session:
        [invite] = session.exec(select(Invite)).all()
    assert invite_code not in invite.code_hash and len(invite.code_hash) == 64
