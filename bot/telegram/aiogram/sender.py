"""The outbox's Telegram sender on aiogram: its sends, with errors mapped to SendFailure."""

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

from bot.telegram.aiogram.markup import to_markup
from bot.telegram.outbox import OutboxSender, bad_request_failure
from bot.telegram.updates import JSONDict
from scheduler.sending import SendFailure


def aiogram_sender(bot: Bot) -> OutboxSender:
    """The outbox sender sending through an aiogram `Bot`."""

    async def text(chat_id: str, body: str, markup: JSONDict | None) -> str:
        return await _sent(bot.send_message(chat_id=int(chat_id), text=body, reply_markup=to_markup(markup)))

    async def photo(chat_id: str, data: bytes, caption: str | None, markup: JSONDict | None) -> str:
        upload = BufferedInputFile(data, "photo.jpg")
        return await _sent(bot.send_photo(chat_id=int(chat_id), photo=upload, caption=caption,
                                          reply_markup=to_markup(markup)))

    return OutboxSender(text, photo)


async def _sent(request: Awaitable[Message]) -> str:
    try:
        return str((await request).message_id)
    except TelegramRetryAfter as exc:
        wait = float(exc.retry_after)
        raise SendFailure("rate_limited", exc.message, retry_after=wait, code="429") from exc
    except TelegramForbiddenError as exc:
        raise SendFailure("unreachable", exc.message, code="403") from exc
    except TelegramBadRequest as exc:
        raise bad_request_failure(exc.message) from exc
    except (TelegramNetworkError, TelegramAPIError) as exc:
        raise SendFailure("retry", str(exc)) from exc
