"""Scheduler test helpers: a throwaway PostgreSQL database (when CI has a server) and filed reports."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from datetime import datetime

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import Session

from storage.complaints import NewComplaint, file_complaint
from storage.models import Complaint, Reporter

POSTGRES_URL = os.environ.get("ADUAN_TEST_POSTGRES_URL")
NO_POSTGRES = "ADUAN_TEST_POSTGRES_URL is not set (.ci/run starts a PostgreSQL server and sets it)"


def postgres_database() -> Iterator[str]:
    """A fresh, empty PostgreSQL database on the CI server, dropped afterwards."""
    if not POSTGRES_URL:
        pytest.skip(NO_POSTGRES)
    admin = sa.create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    name = f"aduan_{uuid.uuid4().hex[:12]}"
    with admin.connect() as connection:
        connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    try:
        yield sa.make_url(POSTGRES_URL).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def file_report(engine: Engine, *, now: datetime, user: str = "501", locale: str = "id",
                channel: str = "telegram") -> Complaint:
    """A reporter who accepted the notice and filed one complaint at `now`."""
    with Session(engine, expire_on_commit=False) as session:
        reporter = Reporter(channel=channel, external_id=user, chat_id=user, profile_name="Siti",
                            locale=locale, consent_at=now, created_at=now, updated_at=now)
        session.add(reporter)
        session.flush()
        complaint = file_complaint(session.connection(), reporter=reporter, prefix="ADU", now=now,
                                   report=NewComplaint(
            name="Siti Aminah", address="Jl. Merdeka 1, RT 02/RW 03, Kel. Ciputat", latitude=None,
            longitude=None, location_source=None, description="Sampah menumpuk di pinggir jalan sejak "
            "seminggu", category="waste", privacy="public", photos=[]))
        session.commit()
        return complaint


def reporter_of(engine: Engine, complaint: Complaint) -> Reporter:
    """The complaint's reporter, fresh from the database."""
    with Session(engine) as session:
        reporter = session.get(Reporter, complaint.reporter_id)
        assert reporter is not None
        return reporter
