"""Builds the conversation engine and its stores from the settings."""

from __future__ import annotations

from sqlalchemy.engine import Engine

from bot.settings import Settings
from handlers.engine import Conversations
from handlers.geography import Geography
from handlers.turn import FlowConfig
from handlers.workdays import WorkCalendar
from storage.db import make_engine, upgrade
from storage.media import MediaStore
from storage.tallies import keep_tallies


def flow_config(settings: Settings) -> FlowConfig:
    """The flow settings taken from the application settings."""
    return FlowConfig(
        ticket_prefix=settings.ticket_prefix,
        max_photos=settings.max_photos,
        max_photo_bytes=settings.max_photo_bytes,
        default_locale=settings.default_locale,
        timezone=settings.timezone,
        retention_years=settings.privacy_retention_years,
        verify_days=settings.verify_days,
        followup_days=settings.followup_days,
        feedback_days=settings.feedback_days,
        status_update_every_days=settings.status_update_every_days,
        quiet_hours=(settings.quiet_hours_start, settings.quiet_hours_end),
        local_holidays=settings.local_holidays,
        operator_chat_id=settings.operator_chat_id,
        followup_window_hours=settings.followup_window_hours,
        geography=Geography.from_files(jurisdiction=settings.jurisdiction_geojson,
                                       neighbours=settings.neighbours_geojson,
                                       kelurahan=settings.kelurahan_geojson),
        duplicate_radius_m=settings.duplicate_radius_m,
        duplicate_days=settings.duplicate_days,
        public_base_url=settings.public_base_url,
    )


def open_database(settings: Settings) -> Engine:
    """The database engine, migrated to the latest schema, with /statistik's tallies in the service's days."""
    engine = make_engine(settings.database_url)
    upgrade(engine)
    working = WorkCalendar(settings.timezone, settings.local_holidays).is_working_day
    keep_tallies(engine, timezone=settings.timezone, is_working_day=working)
    return engine


def build_conversations(settings: Settings, engine: Engine | None = None) -> Conversations:
    """The conversation engine over a migrated database and the media folder."""
    return Conversations(engine=engine or open_database(settings), config=flow_config(settings),
                         media=MediaStore(settings.media_dir))
