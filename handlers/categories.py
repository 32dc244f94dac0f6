"""Complaint categories and the keyword rules that suggest one from a description."""

from __future__ import annotations

import re
from functools import lru_cache

from handlers.i18n import _

OTHER = "other"

# Keywords in Indonesian and English. A phrase of several words weighs 3, a word 2, and a
# generic word that shows up in many kinds of complaint (GENERIC) only 1.
KEYWORDS: dict[str, tuple[str, ...]] = {
    "environment": (
        "pencemaran", "tercemar", "mencemari", "polusi", "limbah", "bau busuk", "bau", "asap",
        "pabrik", "kebisingan", "bising", "debu", "udara kotor", "air sungai", "pollution",
        "polluted", "smell", "stink", "smoke", "factory", "noise", "dust", "sewage", "waste water",
    ),
    "roads": (
        "jalan rusak", "jalan berlubang", "berlubang", "lubang", "aspal", "jembatan", "trotoar",
        "jalan", "pothole", "road", "bridge", "sidewalk", "pavement", "asphalt",
    ),
    "waste": (
        "sampah", "tps", "tumpukan sampah", "pengangkutan sampah", "tempat sampah", "garbage",
        "trash", "rubbish", "litter", "dump", "bin",
    ),
    "flooding": (
        "banjir", "genangan", "tergenang", "drainase", "selokan", "got", "gorong-gorong",
        "saluran air", "tersumbat", "mampet", "flood", "flooding", "flooded", "drain", "drainage",
        "gutter", "clogged",
    ),
    "street_lighting": (
        "lampu jalan", "pju", "penerangan jalan", "lampu mati", "lampu", "gelap", "streetlight",
        "street light", "street lamp", "lamp", "lighting",
    ),
    "population_admin": (
        "ktp", "e-ktp", "kartu keluarga", "kk", "akta", "akta kelahiran", "dukcapil",
        "kependudukan", "nik", "id card", "birth certificate", "family card", "civil registry",
    ),
    "social_aid": (
        "bansos", "bantuan sosial", "blt", "pkh", "bpnt", "sembako", "social aid", "welfare",
        "food aid", "cash transfer",
    ),
    "health": (
        "puskesmas", "rumah sakit", "dokter", "bpjs", "obat", "kesehatan", "demam berdarah", "dbd",
        "posyandu", "hospital", "clinic", "doctor", "medicine", "health", "dengue",
    ),
    "public_order": (
        "pkl", "pedagang kaki lima", "parkir liar", "preman", "keributan", "ketertiban", "judi",
        "mabuk", "tawuran", "illegal parking", "street vendor", "disturbance", "gambling", "thug",
    ),
}

GENERIC = frozenset({"jalan", "road", "lampu", "lamp", "bau", "smell", "gelap", "lubang", "debu", "dust",
                     "udara", "bin", "dump", "obat", "got"})

CATEGORIES: tuple[str, ...] = (*KEYWORDS, OTHER)


def label(category: str) -> str:
    """The category's name in the current locale."""
    labels = {
        "environment": _("Environment / pollution"),
        "roads": _("Roads and infrastructure"),
        "waste": _("Waste"),
        "flooding": _("Flooding / drainage"),
        "street_lighting": _("Street lighting"),
        "population_admin": _("Population administration"),
        "social_aid": _("Social aid"),
        "health": _("Health"),
        "public_order": _("Public order"),
        OTHER: _("Other"),
    }
    return labels.get(category, labels[OTHER])


def keyword_weight(word: str) -> int:
    """What a keyword adds to its category's score: a phrase 3, a word 2, a generic word 1."""
    if " " in word or "-" in word:
        return 3
    return 1 if word in GENERIC else 2


_WORD = re.compile(r"[\w-]+")


@lru_cache(maxsize=1)
def _rules() -> list[tuple[str, list[tuple[str, int, re.Pattern[str] | None]]]]:
    """Per category: each keyword (case-folded), its weight, and for a phrase its pattern."""
    rules = []
    for category, words in KEYWORDS.items():
        rules.append((category, [
            (word.casefold(), keyword_weight(word),
             re.compile(rf"(?<![\w-]){re.escape(word)}(?![\w-])", re.IGNORECASE) if " " in word else None)
            for word in words]))
    return rules


def suggest(description: str) -> str:
    """The category whose keywords the description matches best; `other` when none match.

    A keyword counts when it stands as a whole word (or phrase) in the description, whatever its case.
    """
    # A one-word keyword is a whole word exactly when it is one of the description's words, so a set
    # lookup answers it; only phrases, whose first word must then be there too, need their pattern.
    words = {word.casefold() for word in _WORD.findall(description)}
    best, best_score = OTHER, 0
    for category, rules in _rules():
        score = 0
        for keyword, weight, phrase in rules:
            if phrase is None:
                score += weight if keyword in words else 0
            elif keyword.split(" ", 1)[0] in words and phrase.search(description):
                score += weight
        if score > best_score:
            best, best_score = category, score
    return best
