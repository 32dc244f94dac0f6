"""The migrations build exactly the schema the models describe, and can be undone."""

from __future__ import annotations

import sqlalchemy as sa
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy.engine import Engine
from sqlmodel import Session, SQLModel, select

from storage.db import alembic_config, current_revision, make_engine, modelled, upgrade
from storage.inbox import queued_for
from storage.models import Complaint


def test_migrated_schema_matches_the_models(engine: Engine) -> None:
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"include_name": modelled})
        differences = compare_metadata(context, SQLModel.metadata)
    assert differences == []


def test_migrations_downgrade_to_empty_and_back(engine: Engine) -> None:
    head = current_revision(engine)
    command.downgrade(alembic_config(engine), "base")
    assert current_revision(engine) is None
    command.upgrade(alembic_config(engine), "head")
    assert current_revision(engine) == head


def test_upgrading_a_database_with_reports_keeps_them_and_foreign_keys(db_url: str) -> None:
    engine = make_engine(db_url)
    upgrade(engine, "0001")
    with engine.begin() as connection:
        connection.exec_driver_sql(
            "INSERT INTO reporter (id, channel, external_id, chat_id, locale, created_at, updated_at) "
            "VALUES (1, 'telegram', '42', '42', 'id', '2026-11-01 01:00:00', '2026-11-01 01:00:00')")
        connection.exec_driver_sql(
            "INSERT INTO complaint (id, code, reporter_id, channel, status, privacy, name, description, "
            "category, locale, created_at, updated_at) VALUES (1, 'ADU-7K3M9Q', 1, 'telegram', 'received', "
            "'public', 'Budi', 'Jalan berlubang di depan sekolah', 'roads', 'id', '2026-11-01 01:00:00', "
            "'2026-11-01 01:00:00')")
        connection.exec_driver_sql(
            "INSERT INTO statuschange (complaint_id, to_status, public, actor, created_at) "
            "VALUES (1, 'received', 1, 'reporter:1', '2026-11-01 01:00:00')")
    upgrade(engine)
    with Session(engine) as session:
        complaint = session.exec(select(Complaint)).one()
        assert (complaint.code, complaint.agency_id) == ("ADU-7K3M9Q", None)
    with engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1


def test_telegram_updates_stored_before_0014_are_kept_in_the_webhook_inbox(both_databases: Engine) -> None:
    engine = both_databases
    command.downgrade(alembic_config(engine), "0013")
    with engine.begin() as connection:
        connection.execute(sa.text(
            "INSERT INTO telegram_inbox (update_id, resident, media_group_id, payload, received_at, replies, "
            "replies_sent) VALUES (777, '4711', 'album-1', :payload, '2026-12-01 01:00:00', NULL, 0)"),
            {"payload": '{"update_id": 777}'})
    upgrade(engine)
    with engine.connect() as connection:
        [queued] = queued_for(connection, channel="telegram", resident="4711")
    assert (queued.event_id, queued.album, queued.payload) == ("777", "album-1", {"update_id": 777})
    command.downgrade(alembic_config(engine), "0013")  # and back: the update is where 0013 keeps it
    with engine.connect() as connection:
        row = connection.execute(sa.text("SELECT update_id, media_group_id FROM telegram_inbox")).one()
    assert tuple(row) == (777, "album-1")
    upgrade(engine)
