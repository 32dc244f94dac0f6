"""The aiogram driver's session: replies' results are left unparsed, everything else is aiogram's."""

from __future__ import annotations

import pytest
from aiogram.exceptions import TelegramForbiddenError
from aiogram.types import Message
from live_telegram import TOKEN

from bot.simulator import BotApiSimulator
from bot.telegram.aiogram.driver import build_bot
from bot.telegram.aiogram.session import results_unread


async def test_results_are_parsed_unless_flagged_unread_and_errors_still_raise() -> None:
    async with BotApiSimulator(TOKEN) as sim:
        sim.user(501)
        bot = build_bot(TOKEN, sim.url)
        try:
            sent = await bot.send_message(501, "Laporan diterima")
            assert isinstance(sent, Message) and sent.text == "Laporan diterima"
            with results_unread():
                assert await bot.send_message(501, "Terima kasih") is True
                sim.fail_next("sendMessage", error_code=403,
                              description="Forbidden: bot was blocked by the user")
                with pytest.raises(TelegramForbiddenError):
                    await bot.send_message(501, "Halo")
            assert [m.text for m in sim.sent] == ["Laporan diterima", "Terima kasih"]
        finally:
            await bot.session.close()
