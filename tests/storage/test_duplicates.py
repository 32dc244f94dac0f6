"""The nearby lookup behind duplicate suggestions, and the search, on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from scheduler_helpers import postgres_database
from storage.complaints import NewComplaint, file_complaint
from storage.db import make_engine, upgrade
from storage.duplicates import distance_m, nearby_open
from storage.followers import follow
from storage.media import StoredPhoto
from storage.models import Complaint, Reporter, utcnow
from storage.models_desk import SupportingReport
from storage.privacy import erase_expired_complaints
from storage.search import search_complaints

HERE = (-2.2096, 113.9108)
NOW = datetime(2026, 11, 24, 3, 0, tzinfo=utcnow().tzinfo)


@pytest.fixture(params=["sqlite", "postgresql"])
def store(request: pytest.FixtureRequest, db_url: str) -> Iterator[Engine]:
    """A migrated engine on SQLite, and again on PostgreSQL when available."""
    url_iter: Iterator[str] = iter([db_url]) if request.param == "sqlite" else postgres_database()
    eng = make_engine(next(url_iter))
    upgrade(eng)
    yield eng
    eng.dispose()
    for _rest in url_iter:
        pass


def add(engine: Engine, *, north_m: float = 0, east_m: float = 0, category: str = "street_lighting",
        privacy: str = "public", status: str = "received", days_ago: float = 1, user: str = "1",
        agency_id: int | None = None, description: str = "Lampu jalan mati di depan musala.",
        name: str = "Sari") -> Complaint:
    with Session(engine, expire_on_commit=False) as session:
        reporter = session.get(Reporter, int(user)) or Reporter(
            id=int(user), channel="telegram", external_id=user, chat_id=user, locale="id")
        session.add(reporter)
        session.flush()
        latitude = HERE[0] + north_m / 111_195
        longitude = HERE[1] + east_m / (111_195 * 0.99926)
        complaint = file_complaint(session.connection(), reporter=reporter, prefix="ADU",
                                   now=NOW - timedelta(days=days_ago), report=NewComplaint(
            name=name, address="Jalan Melati 4", latitude=latitude, longitude=longitude,
            location_source="pin", description=description, category=category, privacy=privacy, photos=[]))
        session.connection().exec_driver_sql(
            f"UPDATE complaint SET status = '{status}', agency_id = {agency_id or 'NULL'} "
            f"WHERE id = {complaint.id}")
        session.commit()
        return complaint


def codes(engine: Engine, **options: object) -> list[str]:
    with Session(engine) as session:
        found = nearby_open(session, category="street_lighting", latitude=HERE[0], longitude=HERE[1],
                            radius_m=150, since=NOW - timedelta(days=30), **options)  # type: ignore[arg-type]
        return [n.complaint.code for n in found]


def test_open_shareable_recent_ones_of_the_category_in_the_radius_nearest_first(store: Engine) -> None:
    far = add(store, north_m=120, east_m=0)
    near = add(store, north_m=0, east_m=40)
    add(store, north_m=110, east_m=110)  # 156 m: inside the box, outside the circle
    add(store, category="roads")
    add(store, privacy="confidential")
    add(store, status="resolved")
    add(store, days_ago=31)
    anonymous = add(store, north_m=-80, privacy="anonymous")
    fourth = add(store, north_m=130)
    assert codes(store) == [near.code, anonymous.code, far.code]
    assert codes(store, limit=5) == [near.code, anonymous.code, far.code, fourth.code]
    assert len(codes(store, shareable_only=False, limit=10)) == 5
    assert codes(store, exclude_reporter_id=1) == []


def test_an_agency_is_shown_only_its_own(store: Engine) -> None:
    with Session(store) as session:
        session.connection().exec_driver_sql(
            "INSERT INTO agency (id, code, name, created_at) VALUES (1, 'A', 'A', '2026-11-01'), "
            "(2, 'B', 'B', '2026-11-01')")
        session.commit()
    mine = add(store, agency_id=1)
    add(store, agency_id=2)
    assert codes(store, agency_id=1, shareable_only=False) == [mine.code]


def test_distance_is_great_circle_metres() -> None:
    assert round(distance_m(-2.2096, 113.9108, -2.2096 + 0.001, 113.9108)) == 111
    assert distance_m(*HERE, *HERE) == 0


def test_search_matches_every_word_and_names_only_when_asked(store: Engine) -> None:
    lamp = add(store, description="Lampu jalan mati di gang Kenanga", name="Sari Wulandari")
    add(store, description="Jalan berlubang di gang Mawar", name="Joko")
    with Session(store) as session:
        assert [c.code for c in search_complaints(session, text="GANG kenanga", agency_id=None,
                                                  names=False)[1]] == [lamp.code]
        assert search_complaints(session, text="wulandari", agency_id=None, names=False)[0] == 0
        assert search_complaints(session, text="wulandari", agency_id=None, names=True)[0] == 1
        assert search_complaints(session, text=lamp.code[-3:], agency_id=None, names=False)[0] >= 1
        assert search_complaints(session, text="100%_", agency_id=None, names=False)[0] == 0
        assert search_complaints(session, text="gang", agency_id=7, names=True)[0] == 0


def test_the_lookup_runs_on_the_bounding_box_index(db_url: str) -> None:
    engine = make_engine(db_url)
    upgrade(engine)
    with engine.connect() as connection:
        plan = " ".join(str(row) for row in connection.exec_driver_sql(
            "EXPLAIN QUERY PLAN SELECT id FROM complaint WHERE category = 'roads' "
            "AND latitude BETWEEN -2.3 AND -2.1 AND longitude BETWEEN 113.8 AND 114.0"))
    assert "ix_complaint_geo" in plan


def test_retention_takes_the_supporting_reports_with_the_complaint(store: Engine) -> None:
    original = add(store)
    with Session(store, expire_on_commit=False) as session:
        follower = Reporter(id=2, channel="telegram", external_id="2", chat_id="2", locale="id")
        session.add(follower)
        session.flush()
        target = session.get(Complaint, original.id)
        assert target is not None
        follow(session, complaint=target, reporter_id=2, name="Kartini", description="Lampu padam lagi.",
               photos=[StoredPhoto(path="2026/11/x.jpg", width=1, height=1, size_bytes=1, sha256="0")],
               latitude=HERE[0], longitude=HERE[1], now=NOW)
        session.commit()
    with store.begin() as connection:
        assert original.id is not None
        erased = erase_expired_complaints(connection, complaint_ids=[original.id], now=NOW)
    assert "2026/11/x.jpg" in erased.files
    with Session(store) as session:
        [support] = session.exec(select(SupportingReport)).all()
    assert (support.name, support.description, support.photos, support.latitude) == (
        "", "", [], round(HERE[0], 2))
