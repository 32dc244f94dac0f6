"""Messages that are not report content: greetings, thanks, tests."""

from __future__ import annotations

from handlers.choices import normalize

GREETINGS = frozenset({
    "halo", "hallo", "helo", "hai", "hi", "hello", "hey", "hei", "pagi", "siang", "sore", "malam",
    "selamat pagi", "selamat siang", "selamat sore", "selamat malam", "assalamualaikum",
    "assalamu alaikum", "salam", "permisi", "punten", "tes", "test", "p", "ping", "ok", "oke", "okay",
    "terima kasih", "makasih", "thanks", "thank you", "good morning", "good evening", "min", "halo min",
    "halo admin", "hai min", "pagi min",
})


def is_smalltalk(text: str | None) -> bool:
    """Whether `text` only greets or thanks (or is empty): nothing for a report."""
    words = normalize(text or "")
    return not words or words in GREETINGS or len(words) < 3
