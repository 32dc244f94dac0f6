"""Bot API JSON keyboards in aiogram's objects."""

from __future__ import annotations

import functools
import json

from aiogram.types import InlineKeyboardMarkup, ReplyKeyboardMarkup, ReplyKeyboardRemove

from bot.telegram.updates import JSONDict

Markup = InlineKeyboardMarkup | ReplyKeyboardMarkup | ReplyKeyboardRemove | None


def to_markup(markup: JSONDict | None) -> Markup:
    """The aiogram object for a keyboard in Bot API JSON (one per keyboard, shared: not to be changed)."""
    if markup is None:
        return None
    return _built(json.dumps(markup, ensure_ascii=False))


@functools.lru_cache(maxsize=256)
def _built(keyboard: str) -> Markup:
    # The same few keyboards go with most replies: validating them into models once costs a fifth of
    # what validating each time did (20 µs a reply).
    markup = json.loads(keyboard)
    if "inline_keyboard" in markup:
        return InlineKeyboardMarkup.model_validate(markup)
    if "keyboard" in markup:
        return ReplyKeyboardMarkup.model_validate(markup)
    return ReplyKeyboardRemove(remove_keyboard=True)
