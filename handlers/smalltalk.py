"""Messages that are not report content: greetings, thanks, tests."""

from __future__ import annotations

from handlers.choices import normalize

# A message made only of these words greets, thanks or tests: "Halo min", "terima kasih banyak ya pak".
POLITE_WORDS = frozenset({
    "halo", "hallo", "helo", "hai", "hi", "hello", "hey", "hei", "pagi", "siang", "sore", "malam",
    "selamat", "assalamualaikum", "assalamu", "alaikum", "waalaikumsalam", "wr", "wb", "salam", "permisi",
    "punten", "tes", "test", "testing", "p", "ping", "ok", "oke", "okay", "okey", "baik", "siap", "sip",
    "terima", "kasih", "makasih", "trims", "thanks", "thank", "you", "banyak", "ya", "yaa", "iya", "pak",
    "bu", "ibu", "bapak", "min", "admin", "kak", "mas", "mbak", "bang", "sama", "good", "morning",
    "afternoon", "evening", "night", "dear", "sir", "madam",
})


def is_smalltalk(text: str | None) -> bool:
    """Whether `text` only greets, thanks or tests (or says nothing): nothing for a report."""
    words = normalize(text or "").split()
    return not words or all(word in POLITE_WORDS for word in words)
