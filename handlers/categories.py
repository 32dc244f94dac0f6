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


def _weight(word: str) -> int:
    if " " in word or "-" in word:
        return 3
    return 1 if word in GENERIC else 2


@lru_cache(maxsize=1)
def _patterns() -> dict[str, list[tuple[re.Pattern[str], int]]]:
    compiled: dict[str, list[tuple[re.Pattern[str], int]]] = {}
    for category, words in KEYWORDS.items():
        compiled[category] = [
            (re.compile(rf"(?<![\w-]){re.escape(word)}(?![\w-])", re.IGNORECASE),
             _weight(word))
            for word in words
        ]
    return compiled


def suggest(description: str) -> str:
    """The category whose keywords the description matches best; `other` when none match."""
    best, best_score = OTHER, 0
    for category, patterns in _patterns().items():
        score = sum(weight for pattern, weight in patterns if pattern.search(description))
        if score > best_score:
            best, best_score = category, score
    return best
