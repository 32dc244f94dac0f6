"""Replies to a resident in Telegram's terms: keyboards, texts split to size, flood limits waited out."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from functools import partial
from pathlib import Path

from bot.common.chunks import split_text
from bot.common.reply_journal import before_send
from bot.telegram.updates import JSONDict
from handlers.messages import Reply
from scheduler.metrics import count_reply
from scheduler.pacing import Pacer

log = logging.getLogger(__name__)

# Sends one piece of text with an optional keyboard (Bot API JSON) to a chat, in the driver's library.
SendText = Callable[[str, str, JSONDict | None], Awaitable[None]]
SendPhoto = Callable[[str, bytes, str | None, JSONDict | None], Awaitable[None]]
SendDocument = Callable[[str, bytes, str, str | None], Awaitable[None]]
MAX_TEXT_LENGTH = 4096
CAPTION_LENGTH = 1024
SEND_ATTEMPTS = 4


def reply_markup(reply: Reply) -> JSONDict | None:
    """The keyboard for a reply as Bot API JSON: inline choices, a share-location button or removal."""
    if reply.buttons:
        return {"inline_keyboard": [[{"text": b.label, "callback_data": b.data} for b in row]
                                    for row in reply.buttons]}
    if reply.ask_location:
        return {"keyboard": [[{"text": reply.ask_location, "request_location": True}]],
                "resize_keyboard": True, "one_time_keyboard": True}
    if reply.clear_keyboard:
        return {"remove_keyboard": True}
    return None


def split_message(text: str) -> list[str]:
    """`text` cut into Telegram-sized pieces."""
    return split_text(text, MAX_TEXT_LENGTH)


class Blocked(Exception):
    """The resident blocked the bot (403): nothing more can reach them."""


class RetryLater(Exception):
    """Telegram's flood control answered 429 with how long to wait."""

    def __init__(self, seconds: float) -> None:
        super().__init__(f"retry after {seconds}s")
        self.seconds = seconds


async def send_replies(
    chat_id: str, replies: list[Reply], send_text: SendText, send_photo: SendPhoto | None = None,
    send_document: SendDocument | None = None, *,
    pacer: Pacer | None = None,
) -> None:
    """Send the replies in order: photos with their caption, long texts in pieces with the keyboard last.

    A 429 is waited out (a few times); a resident who blocked the bot is logged and skipped. With a
    `pacer` (several instances: the bot's budget shared in the database), each send waits for its slot.
    """
    patiently = partial(_patiently, pacer=pacer, chat_id=chat_id)
    for reply in replies:
        markup = reply_markup(reply)
        try:
            if reply.photo_path and send_photo is not None:
                photo = await asyncio.to_thread(Path(reply.photo_path).read_bytes)
                caption = reply.text[:CAPTION_LENGTH] or None
                await patiently(partial(send_photo, chat_id, photo, caption, markup))
                continue
            if reply.document is not None and send_document is not None:
                name = reply.document_name or "document"
                await patiently(partial(send_document, chat_id, reply.document, name,
                                        reply.text[:CAPTION_LENGTH] or None))
                continue
            pieces = split_message(reply.text)
            for index, piece in enumerate(pieces):
                keyboard = markup if index == len(pieces) - 1 else None
                await patiently(partial(send_text, chat_id, piece, keyboard))
        except Blocked:
            count_reply("blocked")
            log.info("chat %s blocked the bot; reply dropped", chat_id)
            return


async def _patiently(send: Callable[[], Awaitable[None]], *, pacer: Pacer | None, chat_id: str) -> None:
    for attempt in range(SEND_ATTEMPTS):
        try:
            if pacer is None:
                await before_send()
                await send()
            else:
                async with pacer.slot(chat_id):
                    await before_send()  # the webhook's reply journal counts the reply here
                    await send()
            count_reply("ok")
            return
        except RetryLater as wait:
            count_reply("429")
            if attempt == SEND_ATTEMPTS - 1:
                raise
            if pacer is not None:
                pacer.pause(wait.seconds)
            await asyncio.sleep(wait.seconds)
