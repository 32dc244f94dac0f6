"""`aduan agency add --categories`, `aduan agency categories` and `aduan reply …`."""

from __future__ import annotations

import pytest
from cli_runner import run
from sqlmodel import Session

from storage.canned_replies import get_reply
from storage.db import make_engine

pytestmark = pytest.mark.usefixtures("cli_database")


def test_agencies_with_the_categories_they_handle() -> None:
    assert run("agency", "add", "pupr", "Dinas PUPR", "--categories", "roads, flooding") == (
        0, "agency PUPR: Dinas PUPR (handles roads, flooding)\n")
    code, out = run("agency", "add", "DLH", "Dinas Lingkungan Hidup", "--categories", "waste,parks")
    assert code != 0 and "unknown categories: parks" in out
    assert run("agency", "add", "DLH", "Dinas Lingkungan Hidup")[0] == 0
    assert run("agency", "categories", "dlh", "waste,environment") == (
        0, "agency DLH handles waste, environment\n")
    assert run("agency", "list")[1].splitlines() == [
        "DLH\tDinas Lingkungan Hidup\twaste,environment", "PUPR\tDinas PUPR\troads,flooding"]
    assert run("agency", "categories", "NOPE", "roads")[0] != 0


def test_canned_replies(cli_database: str) -> None:
    assert run("reply", "add", "Survey", "Petugas akan survei.", "Officers will survey.") == (
        0, "canned reply #survey\n")
    assert run("reply", "add", "survey", "Petugas survei besok.", "Officers survey tomorrow.")[0] == 0
    assert run("reply", "list")[1] == "#survey\tid: Petugas survei besok.\ten: Officers survey tomorrow.\n"
    code, out = run("reply", "add", "not a key", "a", "b")
    assert code != 0 and "a key is letters" in out
    assert run("reply", "add", "empty", " ", "b")[0] != 0
    with Session(make_engine(cli_database)) as session:
        reply = get_reply(session, key="#SURVEY")
    assert reply is not None and reply.text_en == "Officers survey tomorrow."
    assert run("reply", "remove", "survey") == (0, "canned reply #survey removed\n")
    assert run("reply", "remove", "survey")[0] != 0
