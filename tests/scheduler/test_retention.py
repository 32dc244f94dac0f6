"""Retention: personal data of complaints ended longer ago than PRIVACY_RETENTION_YEARS is erased, once."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from privacy_helpers import files_under, traces
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from helpers import jpeg
from scheduler.retention import PurgeResult, purge
from storage.complaints import NewComplaint, file_complaint
from storage.lifecycle import change_status
from storage.media import CleanPhoto, MediaStore
from storage.models import Complaint, ComplaintStatus, Reporter
from storage.privacy_records import Erasure
from storage.retention import retention_cutoff

NOW = datetime(2026, 12, 1, 3, 0, tzinfo=UTC)


def years_ago(years: int) -> datetime:
    """`years` calendar years before NOW."""
    return retention_cutoff(NOW, years)


def closed_report(engine: Engine, media: MediaStore, *, user: str, ended: datetime,
                  status: ComplaintStatus = ComplaintStatus.CLOSED) -> str:
    """A reporter's complaint with one photo, filed a month before `ended` and ended then; its code."""
    filed = ended - timedelta(days=30)
    photo = media.save(CleanPhoto(jpeg=jpeg(), width=640, height=480, gps=None), now=filed)
    with Session(engine, expire_on_commit=False) as session:
        reporter = Reporter(channel="telegram", external_id=user, chat_id=user, profile_name=f"Warga {user}",
                            locale="id", consent_at=filed, last_inbound_at=filed, created_at=filed,
                            updated_at=filed)
        session.add(reporter)
        session.flush()
        filed_complaint = file_complaint(session.connection(), reporter=reporter, prefix="ADU", now=filed,
                                         report=NewComplaint(
            name=f"Warga {user}", address=f"Jl. Retensi {user}", latitude=-6.28843, longitude=106.71791,
            location_source="pin", description="Saluran air tersumbat di depan rumah", category="flooding",
            privacy="public", photos=[photo]))
        complaint = session.get(Complaint, filed_complaint.id)
        assert complaint is not None
        change_status(session, complaint=complaint, to_status=status, actor="system", note=None, public=True,
                      now=ended)
        session.commit()
        return complaint.code


def erasures(engine: Engine) -> dict[str, int]:
    """How many retention erasures each complaint code got."""
    counts: dict[str, int] = {}
    with Session(engine) as session:
        for erasure in session.exec(select(Erasure).where(Erasure.reason == "retention")):
            for code in erasure.complaint_codes:
                counts[code] = counts.get(code, 0) + 1
    return counts


@pytest.mark.parametrize("status", [ComplaintStatus.CLOSED, ComplaintStatus.RESOLVED,
                                    ComplaintStatus.ARCHIVED])
def test_only_complaints_ended_more_than_five_years_ago_are_erased(
    store: Engine, tmp_path: Path, status: ComplaintStatus,
) -> None:
    media = MediaStore(tmp_path / "media")
    six = closed_report(store, media, user="7006", ended=years_ago(6), status=status)
    closed_report(store, media, user="7005", ended=years_ago(5), status=status)
    closed_report(store, media, user="7004", ended=years_ago(4), status=status)
    dry = purge(store, now=NOW, years=5, delete_file=media.delete, dry_run=True)
    assert dry.complaint_codes == [six] and len(files_under(media.root)) == 3 and erasures(store) == {}
    result = purge(store, now=NOW, years=5, delete_file=media.delete)
    assert result.complaint_codes == [six] and result.files == 1 and len(files_under(media.root)) == 2
    assert traces(store, texts=["Jl. Retensi 7006", "Warga 7006"], ids=["7006"]) == []
    assert traces(store, texts=["Jl. Retensi 7005", "Jl. Retensi 7004"])
    with Session(store) as session:
        erased = session.exec(select(Complaint).where(Complaint.code == six)).one()
        reporter = session.get(Reporter, erased.reporter_id)
    assert (erased.status, erased.category, erased.latitude, erased.longitude) == (
        status, "flooding", -6.29, 106.72)
    assert reporter is not None and reporter.erased_at == NOW  # nothing else of theirs is kept
    again = purge(store, now=NOW, years=5, delete_file=media.delete)
    assert again.complaint_codes == [] and erasures(store) == {six: 1}


def test_an_interrupted_purge_finishes_on_the_next_run_and_erases_nothing_twice(
    store: Engine, tmp_path: Path,
) -> None:
    media = MediaStore(tmp_path / "media")
    old = [closed_report(store, media, user=f"80{n:02d}", ended=years_ago(6) - timedelta(days=n))
           for n in range(6)]
    kept = closed_report(store, media, user="7004", ended=years_ago(4))

    def crash(result: PurgeResult) -> None:
        if len(result.complaint_codes) >= 2:
            raise KeyboardInterrupt  # the process dies between two batches

    with pytest.raises(KeyboardInterrupt):
        purge(store, now=NOW, years=5, delete_file=media.delete, batch=1, after_batch=crash)
    assert sorted(erasures(store)) == sorted(old[:2])
    result = purge(store, now=NOW, years=5, delete_file=media.delete, batch=1)
    assert sorted(result.complaint_codes) == sorted(old[2:])
    assert erasures(store) == dict.fromkeys(old, 1) and kept not in erasures(store)
    assert len(files_under(media.root)) == 1


def test_a_purge_killed_with_sigkill_finishes_when_run_again(store: Engine, tmp_path: Path) -> None:
    media = MediaStore(tmp_path / "media")
    with Session(store) as session:
        assert not session.exec(select(Complaint.id)).first()
    old = [closed_report(store, media, user=f"9{n:03d}", ended=years_ago(6)) for n in range(60)]
    env = {**os.environ, "DATABASE_URL": store.url.render_as_string(hide_password=False),
           "MEDIA_DIR": str(media.root), "PRIVACY_RETENTION_YEARS": "5"}
    command = [sys.executable, "-c", "from bot.cli.app import app; app()", "privacy", "purge", "--batch", "1"]
    process = subprocess.Popen(command, cwd=tmp_path, env=env, stderr=subprocess.PIPE, text=True)
    assert process.stderr is not None
    for line in process.stderr:
        if "complaints erased so far" in line:
            process.send_signal(signal.SIGKILL)  # a real kill, mid-job
            break
    process.wait(timeout=60)
    process.stderr.close()
    assert process.returncode == -signal.SIGKILL
    done = erasures(store)
    with Session(store) as session:
        residents_left = session.exec(select(Reporter.id).where(col(Reporter.erased_at).is_(None))).all()
    assert len(done) >= 1 and set(done.values()) == {1}
    assert len(done) < len(old) or residents_left  # killed before the job was done
    finished = subprocess.run(command, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120)
    assert finished.returncode == 0, finished.stderr
    assert erasures(store) == dict.fromkeys(old, 1)
    assert files_under(media.root) == set()
    with Session(store) as session:
        left = session.exec(select(Complaint).where(col(Complaint.erased_at).is_(None))).all()
        residents_left = session.exec(select(Reporter.id).where(col(Reporter.erased_at).is_(None))).all()
    assert left == [] and residents_left == []
