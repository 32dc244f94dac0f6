"""`aduan privacy …` and the export's access record: requests by letter, the retention purge, the log."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from privacy_helpers import traces
from sqlalchemy.engine import Engine
from sqlmodel import Session
from typer.testing import CliRunner

from bot.cli import app
from bot.settings import get_settings
from scheduler_helpers import file_report
from storage.db import make_engine, upgrade
from storage.lifecycle import change_status
from storage.models import Complaint, ComplaintStatus

runner = CliRunner()


@pytest.fixture
def store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Engine]:
    """The database the commands use (from DATABASE_URL), migrated."""
    monkeypatch.chdir(tmp_path)
    url = f"sqlite:///{tmp_path / 'aduan.db'}"
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.setenv("MEDIA_DIR", str(tmp_path / "media"))
    get_settings.cache_clear()
    engine = make_engine(url)
    upgrade(engine)
    yield engine
    engine.dispose()
    get_settings.cache_clear()
    logging.getLogger().handlers.clear()


def test_export_says_it_holds_personal_data_and_the_access_log_shows_it(store: Engine) -> None:
    complaint = file_report(store, now=datetime.now(UTC))
    exported = runner.invoke(app, ["export"])
    assert exported.exit_code == 0 and complaint.code in exported.stdout
    assert "personal data" in exported.stderr and "access log" in exported.stderr
    assert "personal data" not in exported.stdout
    log = runner.invoke(app, ["privacy", "access-log", "--complaint", complaint.code.lower()])
    assert log.exit_code == 0, log.output
    assert "1 accesses" in log.stdout and "export" in log.stdout and "cli:" in log.stdout
    assert "name,contact,address,location,description,photos" in log.stdout


def test_export_of_one_resident_is_the_my_data_document(store: Engine) -> None:
    complaint = file_report(store, now=datetime.now(UTC), user="501")
    result = runner.invoke(app, ["privacy", "export", "--telegram-id", "501"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["profile"]["account_id"] == "501"
    assert [r["code"] for r in data["reports"]] == [complaint.code]
    assert data["reports"][0]["address"] == "Jl. Merdeka 1, RT 02/RW 03, Kel. Ciputat"
    assert "personal data" in result.stderr
    unknown = runner.invoke(app, ["privacy", "export", "--telegram-id", "999"])
    assert unknown.exit_code == 1 and "No resident" in unknown.stderr
    both = runner.invoke(app, ["privacy", "export", "--telegram-id", "1", "--phone", "+6281"])
    assert both.exit_code != 0


@pytest.mark.parametrize(("channel", "user", "option"), [
    ("telegram", "501", ["--telegram-id", "501"]),
    ("whatsapp", "+6281234567890", ["--phone", "+62 812-3456-7890"]),
])
def test_erasure_on_a_written_request(store: Engine, channel: str, user: str, option: list[str]) -> None:
    complaint = file_report(store, now=datetime.now(UTC), user=user, channel=channel)
    result = runner.invoke(app, ["privacy", "erase", *option, "--yes"])
    assert result.exit_code == 0, result.output
    assert complaint.code in result.stdout and "the officers handling" in result.stdout
    assert traces(store, texts=["Siti", "Jl. Merdeka", "6281234567890"], ids=["501"]) == []
    again = runner.invoke(app, ["privacy", "erase", *option, "--yes"])
    assert again.exit_code == 1  # nobody is known by that id any more


def test_purge_dry_run_shows_and_the_real_run_erases(store: Engine) -> None:
    long_ago = datetime(2019, 3, 4, 5, 0, tzinfo=UTC)
    old = file_report(store, now=long_ago, user="601")
    recent = file_report(store, now=datetime.now(UTC), user="602")
    with Session(store) as session:
        complaint = session.get(Complaint, old.id)
        assert complaint is not None
        change_status(session, complaint=complaint, to_status=ComplaintStatus.ARCHIVED, actor="system",
                      note="kurangnya data dukung", public=True, now=long_ago)
        session.commit()
    dry = runner.invoke(app, ["privacy", "purge", "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert "would erase the personal data of 1 complaints" in dry.stdout and old.code in dry.stdout
    assert recent.code not in dry.stdout and traces(store, ids=["601"])
    done = runner.invoke(app, ["privacy", "purge"])
    assert done.exit_code == 0 and "erased the personal data of 1 complaints" in done.stdout
    assert traces(store, ids=["601"]) == [] and traces(store, ids=["602"])
