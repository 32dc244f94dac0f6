"""Picks the Telegram driver named by TELEGRAM_DRIVER: python-telegram-bot or aiogram."""

from __future__ import annotations

from typing import Literal, Protocol

from bot.telegram.bridge import TelegramBridge
from bot.telegram.updates import JSONDict
from handlers.engine import Conversations
from scheduler.pacing import Pacer
from scheduler.sending import Sender

DriverName = Literal["ptb", "aiogram"]
DRIVERS: tuple[DriverName, ...] = ("ptb", "aiogram")


class TelegramDriver(Protocol):
    """What the service needs of a driver: start (polling or webhook), handle an update, stop cleanly."""

    bridge: TelegramBridge
    pacer: Pacer | None

    async def start(self, *, webhook: bool = False) -> None:
        """Register the command menu and start long polling (or, for webhooks, only the handlers)."""

    def parse(self, data: JSONDict) -> object:
        """The update in the library's terms; ValueError when `data` is not one."""

    async def process(self, data: JSONDict) -> None:
        """Handle one update received by webhook, through the library, until its turn is done."""

    async def stop(self) -> None:
        """Stop polling and finish the work under way."""

    def sender(self) -> Sender:
        """The outbox sender that uses this driver's bot."""


def build_driver(name: DriverName, *, token: str, api_url: str, conversations: Conversations,
                 album_wait: float) -> TelegramDriver:
    """The driver `name` talking to the Bot API root `api_url` (libraries imported only when chosen)."""
    if name == "aiogram":
        from bot.telegram.aiogram.driver import AiogramTelegram, build_bot

        return AiogramTelegram(build_bot(token, api_url), conversations, album_wait=album_wait)
    from bot.telegram.ptb.driver import PtbTelegram, build_application

    return PtbTelegram(build_application(token, api_url), conversations, album_wait=album_wait)
