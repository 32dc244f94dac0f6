"""Wires the scheduler (outbox dispatcher and producers) from the settings; `aduan worker` runs it alone."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Mapping
from datetime import timedelta

from sqlalchemy.engine import Engine

from bot.heap import freeze_startup_objects
from bot.settings import Settings
from bot.telegram.ptb.sender import build_bot, ptb_sender
from bot.telegram.updates import CHANNEL as TELEGRAM
from bot.wiring import flow_config, open_database
from handlers.workdays import QuietHours
from scheduler.dispatcher import Dispatcher, RetryPolicy
from scheduler.metrics import CountedSender
from scheduler.pacing import Limits, Pacer
from scheduler.producers import DraftTimes
from scheduler.sending import Sender
from scheduler.service import SchedulerService
from scheduler.shared_pacing import SharedPacer
from storage.media import MediaStore

log = logging.getLogger(__name__)


def channel_limits(settings: Settings) -> dict[str, Limits]:
    """The pacing limits of each channel, from the settings."""
    return {
        TELEGRAM: Limits(overall=settings.telegram_rate_per_second,
                         per_chat=settings.telegram_rate_per_chat_per_second,
                         per_group=settings.telegram_rate_per_group_per_minute),
        "whatsapp": Limits(overall=settings.whatsapp_rate_per_second, per_chat=0),
    }


def shared_pacers(settings: Settings, engine: Engine) -> dict[str, Pacer]:
    """On PostgreSQL (several instances possible), Telegram's budget shared by every instance of the bot."""
    if engine.dialect.name != "postgresql":
        return {}
    return {TELEGRAM: SharedPacer(channel_limits(settings)[TELEGRAM], engine=engine, channel=TELEGRAM)}


def build_scheduler(settings: Settings, engine: Engine, senders: Mapping[str, Sender], *,
                    pacers: Mapping[str, Pacer] | None = None) -> SchedulerService:
    """The scheduler service sending through `senders` (one per channel), each send counted in the metrics.

    `pacers` replaces a channel's own pacing (several instances: the bot's budget shared in the database).
    """
    config = flow_config(settings)
    limits = channel_limits(settings)
    chosen = dict(pacers or {})
    dispatcher = Dispatcher(
        engine=engine, senders={channel: CountedSender(sender) for channel, sender in senders.items()},
        pacers={channel: chosen.get(channel) or Pacer(limits[channel]) for channel in senders
                if channel in limits},
        quiet=QuietHours(settings.timezone, settings.quiet_hours_start, settings.quiet_hours_end),
        retry=RetryPolicy(max_attempts=settings.outbox_max_attempts))
    drafts = DraftTimes(remind_after=timedelta(minutes=settings.draft_reminder_minutes),
                        expire_after=timedelta(hours=settings.draft_expiry_hours))
    return SchedulerService(engine=engine, dispatcher=dispatcher, config=config, drafts=drafts,
                            delete_file=MediaStore(settings.media_dir).delete)


async def work(settings: Settings) -> None:
    """Run the dispatcher and the producers, with the Telegram sender only, until cancelled."""
    assert settings.telegram_bot_token is not None
    bot = build_bot(settings.telegram_bot_token.get_secret_value(), settings.telegram_api_url)
    await bot.initialize()
    engine = open_database(settings)
    service = build_scheduler(settings, engine, {TELEGRAM: ptb_sender(bot)},
                              pacers=shared_pacers(settings, engine))
    service.start()
    freeze_startup_objects()
    log.info("Aduan worker is running: outbox dispatcher and scheduled producers")
    try:
        await asyncio.Event().wait()
    finally:
        await service.stop()
        await bot.shutdown()
        log.info("Aduan worker stopped")
