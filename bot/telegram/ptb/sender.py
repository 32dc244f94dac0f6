"""The outbox's Telegram sender on python-telegram-bot: its sends, with errors mapped to SendFailure."""

from __future__ import annotations

from collections.abc import Awaitable

from telegram import Bot, Message
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TelegramError

from bot.telegram.outbox import OutboxSender, bad_request_failure
from bot.telegram.ptb.markup import retry_seconds, to_markup
from bot.telegram.ptb.request import AiohttpRequest
from bot.telegram.updates import JSONDict
from scheduler.sending import SendFailure


def ptb_sender(bot: Bot) -> OutboxSender:
    """The outbox sender sending through a python-telegram-bot `Bot`."""

    async def text(chat_id: str, body: str, markup: JSONDict | None) -> str:
        return await _sent(bot.send_message(chat_id, body, reply_markup=to_markup(markup)))

    async def photo(chat_id: str, data: bytes, caption: str | None, markup: JSONDict | None) -> str:
        return await _sent(bot.send_photo(chat_id, data, caption=caption, reply_markup=to_markup(markup)))

    return OutboxSender(text, photo)


async def _sent(request: Awaitable[Message]) -> str:
    try:
        return str((await request).message_id)
    except RetryAfter as exc:
        raise SendFailure("rate_limited", str(exc), retry_after=retry_seconds(exc), code="429") from exc
    except Forbidden as exc:
        raise SendFailure("unreachable", exc.message, code="403") from exc
    except BadRequest as exc:
        raise bad_request_failure(exc.message) from exc
    except (NetworkError, TelegramError) as exc:  # NetworkError includes TimedOut
        raise SendFailure("retry", str(exc)) from exc


def build_bot(token: str, api_url: str, *, pool_size: int = 128) -> Bot:
    """A Bot for sending only (the worker process), against the Bot API server at `api_url`."""
    return Bot(token, base_url=f"{api_url}/bot", base_file_url=f"{api_url}/file/bot",
               request=AiohttpRequest(pool_size=pool_size, pool_timeout=10.0))
