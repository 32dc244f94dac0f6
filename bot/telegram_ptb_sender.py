"""The outbox's Telegram sender on python-telegram-bot: sends one message, maps errors to SendFailure."""

from __future__ import annotations

import warnings
from collections.abc import Awaitable
from datetime import timedelta

from telegram import Bot, Message
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TelegramError
from telegram.request import HTTPXRequest

from bot.telegram_common import CHANNEL, UNREACHABLE, JSONDict, deliver_outgoing
from bot.telegram_ptb import to_markup
from scheduler.sending import Outgoing, SendFailure


class PtbSender:
    """Sends outbox rows to Telegram chats through a python-telegram-bot `Bot`."""

    channel = CHANNEL

    def __init__(self, bot: Bot) -> None:
        self.bot = bot

    async def deliver(self, message: Outgoing) -> str | None:
        """Send the message (photo first, if any, long text split); the last message id."""
        return await deliver_outgoing(message, self._text, self._photo)

    async def _text(self, chat_id: str, text: str, markup: JSONDict | None) -> str:
        return await _sent(self.bot.send_message(chat_id, text, reply_markup=to_markup(markup)))

    async def _photo(self, chat_id: str, photo: bytes, caption: str | None, markup: JSONDict | None) -> str:
        return await _sent(self.bot.send_photo(chat_id, photo, caption=caption,
                                               reply_markup=to_markup(markup)))


async def _sent(request: Awaitable[Message]) -> str:
    try:
        return str((await request).message_id)
    except RetryAfter as exc:
        with warnings.catch_warnings():  # PTB 22 warns that the int form becomes a timedelta
            warnings.simplefilter("ignore")
            delay = exc.retry_after
        seconds = delay.total_seconds() if isinstance(delay, timedelta) else float(delay)
        raise SendFailure("rate_limited", str(exc), retry_after=seconds, code="429") from exc
    except Forbidden as exc:
        raise SendFailure("unreachable", exc.message, code="403") from exc
    except BadRequest as exc:
        if any(reason in exc.message.lower() for reason in UNREACHABLE):
            raise SendFailure("unreachable", exc.message, code="400") from exc
        raise SendFailure("permanent", exc.message, code="400") from exc
    except (NetworkError, TelegramError) as exc:  # NetworkError includes TimedOut
        raise SendFailure("retry", str(exc)) from exc


def build_bot(token: str, api_url: str, *, pool_size: int = 128) -> Bot:
    """A Bot for sending only (the worker process), against the Bot API server at `api_url`."""
    return Bot(token, base_url=f"{api_url}/bot", base_file_url=f"{api_url}/file/bot",
               request=HTTPXRequest(connection_pool_size=pool_size, pool_timeout=10.0))
