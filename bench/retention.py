"""Benchmark: the retention purge over complaints that each have a photo, a history and a relayed message.

    .venv/bin/python bench/retention.py [--complaints 2000]

Fills a fresh SQLite database (WAL, as deployed) with residents whose complaints ended six years ago,
then purges it twice over identical data: in batches of 100 (what the scheduler does) and one
complaint per transaction. Prints complaints erased per second for each and their ratio, and the
figure against the busiest city in DESIGN.md (Palangka Raya: about 2,000 reports in ten months).
"""

from __future__ import annotations

import argparse
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy.engine import Engine
from sqlmodel import Session

from scheduler.retention import purge
from storage.complaints import NewComplaint, file_complaint
from storage.db import make_engine, upgrade
from storage.lifecycle import change_status
from storage.media import CleanPhoto, MediaStore
from storage.models import Complaint, ComplaintMessage, ComplaintStatus, Reporter

NOW = datetime(2026, 12, 1, 3, 0, tzinfo=UTC)
ENDED = datetime(2020, 6, 1, 3, 0, tzinfo=UTC)


def fill(engine: Engine, media: MediaStore, count: int, jpeg: bytes) -> None:
    """`count` residents, each with one ended complaint, a photo, a note and a relayed message."""
    filed = ENDED - timedelta(days=20)
    with Session(engine) as session:
        for n in range(count):
            user = str(10_000 + n)
            reporter = Reporter(channel="telegram", external_id=user, chat_id=user, profile_name=f"Warga {n}",
                                locale="id", consent_at=filed, last_inbound_at=filed, created_at=filed,
                                updated_at=filed)
            session.add(reporter)
            session.flush()
            photo = media.save(CleanPhoto(jpeg=jpeg, width=8, height=8, gps=None), now=filed)
            made = file_complaint(session.connection(), reporter=reporter, prefix="ADU", now=filed,
                                  report=NewComplaint(
                name=f"Warga {n}", address=f"Jl. Bench {n}", latitude=-6.28843, longitude=106.71791,
                location_source="pin", description=f"Saluran tersumbat di depan rumah Warga {n}",
                category="flooding", privacy="public", photos=[photo]))
            complaint = session.get(Complaint, made.id)
            assert complaint is not None and complaint.id is not None
            session.add(ComplaintMessage(complaint_id=complaint.id, from_reporter=True,
                                         text=f"Rumah nomor {n}", created_at=filed))
            change_status(session, complaint=complaint, to_status=ComplaintStatus.CLOSED, actor="system",
                          note=f"Ditutup; pelapor Warga {n} tidak menjawab", public=True, now=ENDED)
        session.commit()


def measure(count: int, batch: int, jpeg: bytes) -> float:
    """Complaints erased per second by one purge in batches of `batch`."""
    with tempfile.TemporaryDirectory() as folder:
        engine = make_engine(f"sqlite:///{Path(folder) / 'bench.db'}")
        upgrade(engine)
        media = MediaStore(Path(folder) / "media")
        fill(engine, media, count, jpeg)
        start = time.perf_counter()
        result = purge(engine, now=NOW, years=5, delete_file=media.delete, batch=batch)
        elapsed = time.perf_counter() - start
        assert len(result.complaint_codes) == count and result.reporters == count
        assert not any(p.is_file() for p in media.root.rglob("*"))
        engine.dispose()
        return count / elapsed


def main() -> None:
    """Run both measurements and print the figures."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--complaints", type=int, default=2000)
    count = parser.parse_args().complaints
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), (90, 140, 200)).save(buffer, format="JPEG")
    batched = measure(count, 100, buffer.getvalue())
    single = measure(count, 1, buffer.getvalue())
    print(f"{count} ended complaints (photo, history, relayed message each), SQLite, one run")
    print(f"batches of 100:  {batched:8.1f} complaints/s")
    print(f"one per commit:  {single:8.1f} complaints/s")
    print(f"batched/single = {batched / single:.2f}; a year of Palangka Raya (~2,400 reports) purges in "
          f"{2400 / batched:.1f} s")


if __name__ == "__main__":
    main()
