"""Migration 0010: complaints verified before it are published since their first verification, unless
confidential; unverified ones stay unpublished."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlmodel import Session, col, select

from storage.db import make_engine, upgrade
from storage.models import Complaint

ROWS = [  # id, code, privacy, the statuses it went through
    (1, "ADU-7K3M9Q", "public", ["received", "verified", "in_progress", "verified"]),
    (2, "ADU-7K3M9R", "anonymous", ["received", "verified"]),
    (3, "ADU-7K3M9S", "confidential", ["received", "verified"]),
    (4, "ADU-7K3M9T", "public", ["received"]),
]


def test_complaints_verified_before_are_published_since_their_first_verification(db_url: str) -> None:
    engine = make_engine(db_url)
    upgrade(engine, "0006")
    with engine.begin() as connection:
        connection.exec_driver_sql(
            "INSERT INTO reporter (id, channel, external_id, chat_id, locale, created_at, updated_at) "
            "VALUES (1, 'telegram', '42', '42', 'id', '2026-11-01 01:00:00', '2026-11-01 01:00:00')")
        for cid, code, privacy, statuses in ROWS:
            connection.exec_driver_sql(
                "INSERT INTO complaint (id, code, reporter_id, channel, status, privacy, name, description, "
                "category, locale, created_at, updated_at) VALUES (?, ?, 1, 'telegram', ?, ?, 'Budi', "
                "'Jalan berlubang di depan sekolah', 'roads', 'id', '2026-11-01 01:00:00', "
                "'2026-11-01 01:00:00')", (cid, code, statuses[-1], privacy))
            for day, status in enumerate(statuses, start=1):
                connection.exec_driver_sql(
                    "INSERT INTO statuschange (complaint_id, to_status, public, actor, created_at) "
                    "VALUES (?, ?, 1, 'operator:1', ?)", (cid, status, f"2026-11-0{day} 01:00:00.000000"))
    upgrade(engine)
    with Session(engine) as session:
        complaints = session.exec(select(Complaint).order_by(col(Complaint.id)))
        published = {c.code: c.published_at for c in complaints}
    assert published == {"ADU-7K3M9Q": datetime(2026, 11, 2, 1, tzinfo=UTC),
                         "ADU-7K3M9R": datetime(2026, 11, 2, 1, tzinfo=UTC),
                         "ADU-7K3M9S": None, "ADU-7K3M9T": None}
