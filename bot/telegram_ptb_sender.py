"""The outbox's Telegram sender on python-telegram-bot: sends one message, maps errors to SendFailure."""

from __future__ import annotations

import warnings
from datetime import timedelta

from telegram import Bot
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TelegramError
from telegram.request import HTTPXRequest

from bot.telegram_common import CHANNEL
from bot.telegram_ptb import split_text, to_markup
from handlers.messages import Reply
from scheduler.sending import Outgoing, SendFailure

UNREACHABLE = ("chat not found", "user is deactivated", "bot was kicked", "have no rights to send")


class PtbSender:
    """Sends outbox rows to Telegram chats through a python-telegram-bot `Bot`."""

    channel = CHANNEL

    def __init__(self, bot: Bot) -> None:
        self.bot = bot

    async def deliver(self, message: Outgoing) -> str | None:
        """Send the text (split when too long) with its buttons on the last piece; the last message id."""
        markup = to_markup(Reply(message.text, buttons=message.buttons))
        pieces = split_text(message.text)
        message_id: str | None = None
        for index, piece in enumerate(pieces):
            try:
                sent = await self.bot.send_message(message.chat_id, piece,
                                                   reply_markup=markup if index == len(pieces) - 1 else None)
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
            except NetworkError as exc:  # includes TimedOut
                raise SendFailure("retry", str(exc)) from exc
            except TelegramError as exc:
                raise SendFailure("retry", str(exc)) from exc
            message_id = str(sent.message_id)
        return message_id


def build_bot(token: str, api_url: str, *, pool_size: int = 128) -> Bot:
    """A Bot for sending only (the worker process), against the Bot API server at `api_url`."""
    return Bot(token, base_url=f"{api_url}/bot", base_file_url=f"{api_url}/file/bot",
               request=HTTPXRequest(connection_pool_size=pool_size, pool_timeout=10.0))
