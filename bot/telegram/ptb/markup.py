"""Bot API JSON in python-telegram-bot's objects: keyboards, and the wait a 429 asks for."""

from __future__ import annotations

import functools
import json
import warnings
from datetime import timedelta

from telegram import InlineKeyboardMarkup, ReplyKeyboardMarkup, ReplyKeyboardRemove
from telegram.error import RetryAfter

from bot.telegram.updates import JSONDict

Markup = InlineKeyboardMarkup | ReplyKeyboardMarkup | ReplyKeyboardRemove | None


def retry_seconds(exc: RetryAfter) -> float:
    """How long a 429 asks to wait, in seconds, whichever form this PTB version gives it in."""
    with warnings.catch_warnings():  # PTB 22 warns that the int form becomes a timedelta
        warnings.simplefilter("ignore")
        delay = exc.retry_after
    return delay.total_seconds() if isinstance(delay, timedelta) else float(delay)


def to_markup(markup: JSONDict | None) -> Markup:
    """The python-telegram-bot object for a keyboard in Bot API JSON (one per keyboard; PTB's are frozen)."""
    if markup is None:
        return None
    return _built(json.dumps(markup, ensure_ascii=False))


@functools.lru_cache(maxsize=256)
def _built(keyboard: str) -> Markup:
    # The same few keyboards go with most replies: built once, not for every reply (about 25 µs each).
    markup = json.loads(keyboard)
    if "inline_keyboard" in markup:
        return InlineKeyboardMarkup.de_json(markup, None)
    if "keyboard" in markup:
        return ReplyKeyboardMarkup.de_json(markup, None)
    return ReplyKeyboardRemove()
