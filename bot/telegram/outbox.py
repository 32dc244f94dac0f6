"""The outbox's Telegram sender, shared by both drivers: photo and text pieces, and what a 400 means."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from pathlib import Path

from bot.telegram.replies import CAPTION_LENGTH, reply_markup, split_message
from bot.telegram.updates import CHANNEL, JSONDict
from handlers.messages import Reply
from scheduler.sending import FailureKind, Outgoing, SendFailure

log = logging.getLogger(__name__)

SendOne = Callable[[str, str, JSONDict | None], Awaitable[str]]
SendOnePhoto = Callable[[str, bytes, str | None, JSONDict | None], Awaitable[str]]
# Bad requests that mean the chat can never be reached again.
_UNREACHABLE = ("chat not found", "user is deactivated", "bot was kicked", "have no rights to send")


async def deliver_outgoing(message: Outgoing, send_text: SendOne, send_photo: SendOnePhoto) -> str | None:
    """Send an outbox message: its photo (captioned when the text fits), then the text in pieces.

    The buttons go with the last thing sent; returns the last message id.
    """
    markup = reply_markup(Reply(message.text, buttons=message.buttons))
    photo = await _read_photo(message.photo_path)
    if photo is not None:
        if len(message.text) <= CAPTION_LENGTH:
            return await send_photo(message.chat_id, photo, message.text or None, markup)
        await send_photo(message.chat_id, photo, None, None)
    pieces = split_message(message.text)
    sent: str | None = None
    for index, piece in enumerate(pieces):
        sent = await send_text(message.chat_id, piece, markup if index == len(pieces) - 1 else None)
    return sent


def bad_request_failure(description: str) -> SendFailure:
    """What a 400 from the Bot API means for an outbox message: the chat is gone, or this one cannot go."""
    kind: FailureKind = ("unreachable" if any(reason in description.lower() for reason in _UNREACHABLE)
                         else "permanent")
    return SendFailure(kind, description, code="400")


class OutboxSender:
    """The outbox's Telegram sender, given one driver's way to send a text and a photo."""

    channel = CHANNEL

    def __init__(self, send_text: SendOne, send_photo: SendOnePhoto) -> None:
        self.send_text = send_text
        self.send_photo = send_photo

    async def deliver(self, message: Outgoing) -> str | None:
        """Send the message (photo first, if any, long text split); the last message id."""
        return await deliver_outgoing(message, self.send_text, self.send_photo)


async def _read_photo(path: str | None) -> bytes | None:
    if not path:
        return None
    try:
        return await asyncio.to_thread(Path(path).read_bytes)
    except OSError:  # the photo was deleted meanwhile: the text still goes
        log.warning("outbox photo %s is gone; sending the text alone", path)
        return None
