"""Words that depend on the channel: buttons to tap on Telegram, numbers and keywords to type on WhatsApp."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

WHATSAPP = "whatsapp"

_current: ContextVar[str] = ContextVar("aduan_channel", default="telegram")


@contextmanager
def use_channel(channel: str) -> Iterator[None]:
    """Word texts for `channel` inside the block."""
    token = _current.set(channel)
    try:
        yield
    finally:
        _current.reset(token)


def current_channel() -> str:
    """The channel the text being written is for."""
    return _current.get()


def by_channel(buttons: str, typed: str) -> str:
    """`buttons` where there are buttons to tap, `typed` where choices are typed (WhatsApp)."""
    return typed if _current.get() == WHATSAPP else buttons
