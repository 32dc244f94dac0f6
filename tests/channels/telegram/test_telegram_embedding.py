"""Aduan's intake inside someone else's bot: the host's own /ping and Aduan's commands side by side."""

from __future__ import annotations

import asyncio
from pathlib import Path

from live_telegram import TOKEN
from sqlalchemy.engine import Engine

from bot.simulator import BotApiSimulator, SimUser
from handlers.engine import Conversations
from handlers.turn import FlowConfig
from storage.media import MediaStore


def conversations(engine: Engine, media: Path) -> Conversations:
    return Conversations(engine=engine, config=FlowConfig(), media=MediaStore(media))


async def host_and_aduan_answer(user: SimUser) -> None:
    await user.send_text("/ping")
    [pong] = await user.replies()
    assert pong.text == "pong"
    await user.send_text("/start")
    [notice] = await user.replies()
    assert "UU PDP" in (notice.text or "")
    await user.press("consent:yes")
    await user.replies()
    await user.send_text("/ping")  # the host's command still works in the middle of a report
    [pong] = await user.replies()
    assert pong.text == "pong"


async def test_aduan_handlers_in_an_existing_ptb_application(engine: Engine, tmp_path: Path) -> None:
    from telegram import Update
    from telegram.ext import ApplicationBuilder, CommandHandler, ContextTypes

    from bot.telegram.ptb.driver import PtbTelegram

    async def ping(update: Update, _context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.message is not None
        await update.message.reply_text("pong")

    async with BotApiSimulator(TOKEN) as sim:
        app = ApplicationBuilder().token(TOKEN).base_url(f"{sim.url}/bot").base_file_url(
            f"{sim.url}/file/bot").build()
        app.add_handler(CommandHandler("ping", ping))  # the host's own handlers first
        aduan = PtbTelegram(app, conversations(engine, tmp_path), album_wait=0.2)
        app.add_handlers(aduan.handlers())
        async with app:
            await app.start()
            assert app.updater is not None
            await app.updater.start_polling(poll_interval=0.0, timeout=1)
            try:
                await host_and_aduan_answer(sim.user(601, language_code="en"))
            finally:
                await app.updater.stop()
                await aduan.bridge.drain()
                await app.stop()


async def test_aduan_router_in_an_existing_aiogram_dispatcher(engine: Engine, tmp_path: Path) -> None:
    from aiogram import Dispatcher, Router
    from aiogram.filters import Command
    from aiogram.types import Message

    from bot.telegram.aiogram.driver import AiogramTelegram, build_bot

    host = Router(name="host")

    @host.message(Command("ping"))
    async def ping(message: Message) -> None:
        await message.answer("pong")

    async with BotApiSimulator(TOKEN) as sim:
        bot, dispatcher = build_bot(TOKEN, sim.url), Dispatcher()
        aduan = AiogramTelegram(bot, conversations(engine, tmp_path), album_wait=0.2)
        # Aduan's router last: it takes every private message.
        dispatcher.include_routers(host, aduan.router())
        polling = asyncio.create_task(dispatcher.start_polling(bot, handle_signals=False, polling_timeout=1))
        try:
            await host_and_aduan_answer(sim.user(602, language_code="en"))
        finally:
            await dispatcher.stop_polling()
            await polling
            await aduan.bridge.drain()
