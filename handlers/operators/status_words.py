"""Statuses as operators type and read them: Indonesian words, the English ones as aliases."""

from __future__ import annotations

from handlers.i18n import current_locale
from storage.models import ComplaintStatus

S = ComplaintStatus
ALL = "all"
# The words an operator may type for each status, in either language.
WORDS: dict[str, str] = {
    "diterima": S.RECEIVED, "received": S.RECEIVED, "baru": S.RECEIVED, "new": S.RECEIVED,
    "diverifikasi": S.VERIFIED, "verified": S.VERIFIED, "diteruskan": S.VERIFIED, "forwarded": S.VERIFIED,
    "diproses": S.IN_PROGRESS, "proses": S.IN_PROGRESS, "in_progress": S.IN_PROGRESS,
    "progress": S.IN_PROGRESS,
    "butuhinfo": S.NEEDS_INFO, "needs_info": S.NEEDS_INFO, "needinfo": S.NEEDS_INFO,
    "selesai": S.RESOLVED, "resolved": S.RESOLVED,
    "arsip": S.ARCHIVED, "diarsipkan": S.ARCHIVED, "archived": S.ARCHIVED,
    "dibuka": S.REOPENED, "dibuka_kembali": S.REOPENED, "reopened": S.REOPENED,
    "ditutup": S.CLOSED, "closed": S.CLOSED,
    "semua": ALL, "all": ALL,
}
# The word shown for each status, by locale.
SHOWN: dict[str, dict[str, str]] = {
    "id": {S.RECEIVED: "diterima", S.VERIFIED: "diverifikasi", S.IN_PROGRESS: "diproses",
           S.NEEDS_INFO: "butuhinfo", S.RESOLVED: "selesai", S.ARCHIVED: "arsip", S.REOPENED: "dibuka",
           S.CLOSED: "ditutup", ALL: "semua"},
    "en": {S.RECEIVED: "received", S.VERIFIED: "verified", S.IN_PROGRESS: "in_progress",
           S.NEEDS_INFO: "needs_info", S.RESOLVED: "resolved", S.ARCHIVED: "archived", S.REOPENED: "reopened",
           S.CLOSED: "closed", ALL: "all"},
}


def parse_status(text: str) -> str | None:
    """The status (or ALL) an operator typed, in either language; ALL for nothing; None when unknown."""
    word = text.strip().lower().replace(" ", "_")
    return ALL if not word else WORDS.get(word)


def status_word(status: str) -> str:
    """The word for `status` an operator of the current language types."""
    return SHOWN.get(current_locale(), SHOWN["id"]).get(status, status)


def known_words() -> str:
    """Every status word of the current language, for a usage line."""
    return ", ".join(SHOWN.get(current_locale(), SHOWN["id"]).values())
