"""The outbox's Telegram sender on aiogram: sends one message, maps errors to SendFailure."""

from __future__ import annotations

from collections.abc import Awaitable

from aiogram import Bot
from aiogram.exceptions import (
    TelegramAPIError,
    TelegramBadRequest,
    TelegramForbiddenError,
    TelegramNetworkError,
    TelegramRetryAfter,
)
from aiogram.types import BufferedInputFile, Message

from bot.telegram_aiogram import to_markup
from bot.telegram_common import CHANNEL, UNREACHABLE, JSONDict, deliver_outgoing
from scheduler.sending import Outgoing, SendFailure


class AiogramSender:
    """Sends outbox rows to Telegram chats through an aiogram `Bot`."""

    channel = CHANNEL

    def __init__(self, bot: Bot) -> None:
        self.bot = bot

    async def deliver(self, message: Outgoing) -> str | None:
        """Send the message (photo first, if any, long text split); the last message id."""
        return await deliver_outgoing(message, self._text, self._photo)

    async def _text(self, chat_id: str, text: str, markup: JSONDict | None) -> str:
        return await _sent(self.bot.send_message(chat_id=int(chat_id), text=text,
                                                 reply_markup=to_markup(markup)))

    async def _photo(self, chat_id: str, photo: bytes, caption: str | None, markup: JSONDict | None) -> str:
        upload = BufferedInputFile(photo, "photo.jpg")
        return await _sent(self.bot.send_photo(chat_id=int(chat_id), photo=upload, caption=caption,
                                               reply_markup=to_markup(markup)))


async def _sent(request: Awaitable[Message]) -> str:
    try:
        return str((await request).message_id)
    except TelegramRetryAfter as exc:
        wait = float(exc.retry_after)
        raise SendFailure("rate_limited", exc.message, retry_after=wait, code="429") from exc
    except TelegramForbiddenError as exc:
        raise SendFailure("unreachable", exc.message, code="403") from exc
    except TelegramBadRequest as exc:
        if any(reason in exc.message.lower() for reason in UNREACHABLE):
            raise SendFailure("unreachable", exc.message, code="400") from exc
        raise SendFailure("permanent", exc.message, code="400") from exc
    except (TelegramNetworkError, TelegramAPIError) as exc:
        raise SendFailure("retry", str(exc)) from exc
