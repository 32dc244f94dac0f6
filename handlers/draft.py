"""The unfinished report (the slots being filled) and the rules each slot's value must meet."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field, fields
from typing import Any, Literal

from storage.media import StoredPhoto

Slot = Literal["name", "address", "photo", "description"]
SLOTS: tuple[Slot, ...] = ("name", "address", "photo", "description")

NAME_MIN = 2
NAME_MAX = 60
NAME_MAX_WORDS = 6
ADDRESS_MIN_WORDS = 3
ADDRESS_MIN_CHARS = 8
ADDRESS_MAX = 500
DESCRIPTION_MIN = 20
DESCRIPTION_MAX = 2000

_LETTER = re.compile(r"[^\W\d_]", re.UNICODE)
_URL = re.compile(r"https?://|www\.", re.IGNORECASE)
_SPACES = re.compile(r"\s+")
PHOTO_FIELDS = tuple(f.name for f in fields(StoredPhoto))


@dataclass
class Draft:
    """The slots of a report being written; None means not given yet."""

    name: str | None = None
    address: str | None = None
    latitude: float | None = None
    longitude: float | None = None
    location_source: str | None = None
    photos: list[StoredPhoto] = field(default_factory=list)
    description: str | None = None
    category: str | None = None
    category_chosen: bool = False
    privacy: str = "public"
    # Filled by the checks before the summary (handlers/before_summary): the area of the pin, and which
    # pin (and category) the area and the duplicates were last looked up for.
    kelurahan: str | None = None
    kecamatan: str | None = None
    outside_area: bool = False
    outside_accepted: bool = False
    area_for: list[float] | None = None
    duplicates_for: list[Any] | None = None

    def has(self, slot: Slot) -> bool:
        """Whether `slot` is filled."""
        if slot == "address":
            return bool(self.address) or self.latitude is not None
        if slot == "photo":
            return bool(self.photos)
        return bool(getattr(self, slot))

    def missing(self) -> list[Slot]:
        """The slots still empty, in the order the bot asks for them."""
        return [slot for slot in SLOTS if not self.has(slot)]

    def to_json(self) -> dict[str, Any]:
        """A JSON-safe dict for the conversation state."""
        # Shallow on purpose: every field is a plain value but `photos` (dataclasses.asdict deep-copies
        # everything, a good part of a message's cost).
        return {**vars(self), "photos": [_photo_json(p) for p in self.photos]}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Draft:
        """The draft `to_json` made."""
        values = dict(data)
        values["photos"] = [StoredPhoto(**p) for p in values.get("photos", [])]
        return cls(**values)


def _photo_json(photo: StoredPhoto) -> dict[str, Any]:
    return {name: getattr(photo, name) for name in PHOTO_FIELDS}


def clean_text(text: str) -> str:
    """`text` with runs of white space folded and the ends trimmed."""
    return _SPACES.sub(" ", text).strip()


NameProblem = Literal["empty", "too_short", "too_long", "no_letters", "url", "characters", "command",
                      "sentence"]

# Letters (with their accents) and the punctuation names carry: "Dr. H. Siti Nur'aini, S.H." or "Ana-Maria".
_NAME_CHARS = re.compile(r"^(?:[^\W\d_]|[ .,'’\-])+$", re.UNICODE)
# Words a resident types to the bot rather than as their name (answers, commands, slot names, greetings).
COMMAND_WORDS = frozenset({
    "ya", "yes", "y", "tidak", "no", "ok", "oke", "okay", "kirim", "submit", "kategori", "category",
    "lapor", "report", "batal", "cancel", "status", "cek", "bantuan", "help", "menu", "mulai", "start",
    "stop", "berhenti", "ubah", "edit", "lanjut", "continue", "selesai", "done", "lewati", "skip", "foto",
    "photo", "lokasi", "location", "alamat", "address", "nama", "name", "uraian", "description", "privasi",
    "privacy", "halo", "hallo", "hai", "hi", "hello", "test", "tes", "terima kasih", "makasih", "thanks",
    "thank you", "bahasa", "language", "english", "indonesia",
})
# Words that make a sentence, not a name (names may hold "bin", "binti", "van", "de").
_SENTENCE_WORDS = frozenset({
    "di", "ke", "dari", "yang", "dan", "sudah", "belum", "tidak", "sejak", "karena", "ada", "ini", "itu",
    "saya", "aku", "kami", "mau", "ingin", "tolong", "mohon", "untuk", "dengan", "the", "is", "are", "was",
    "and", "my", "in", "of", "to", "please", "want", "there", "since",
})


def name_problem(text: str) -> NameProblem | None:
    """What is wrong with `text` as a name, or None when it will do."""
    name = clean_text(text)
    if not name:
        return "empty"
    if _URL.search(name):
        return "url"
    words = name.lower().replace(".", " ").replace(",", " ").split()
    if name.lower().strip(" .!?,") in COMMAND_WORDS:
        return "command"
    if len(words) > NAME_MAX_WORDS or _SENTENCE_WORDS.intersection(words) or re.search(r"[?!:;]", name):
        return "sentence"
    if len(name) > NAME_MAX:
        return "too_long"
    letters = len(_LETTER.findall(name))
    if letters == 0:
        return "no_letters"
    if not _NAME_CHARS.match(name):
        return "characters"
    if letters < NAME_MIN:
        return "too_short"
    return None


AddressProblem = Literal["too_short", "too_long"]


def address_problem(text: str) -> AddressProblem | None:
    """What is wrong with `text` as an address, or None when it will do."""
    address = clean_text(text)
    if len(address) > ADDRESS_MAX:
        return "too_long"
    if len(address.split(" ")) < ADDRESS_MIN_WORDS or len(address) < ADDRESS_MIN_CHARS:
        return "too_short"
    return None


DescriptionProblem = Literal["too_short", "too_long"]


def description_problem(text: str) -> DescriptionProblem | None:
    """What is wrong with `text` as a description, or None when it will do."""
    length = len(text.strip())
    if length < DESCRIPTION_MIN:
        return "too_short"
    if length > DESCRIPTION_MAX:
        return "too_long"
    return None


_PLAIN_WORD = re.compile(r"^[^\W\d_]{2,}[.,!?]?$", re.UNICODE)
_ADDRESS_MARK = re.compile(r"\b(?:RT|RW)\s*\.?\s*\d|\bNo\.?\s*\d|\b(?:Jln?|Gg|Kel|Kec|Kab|Ds)\.\s*\w"
                           r"|\b(?:Blok|Gang|Komplek|Perum(?:ahan)?)\s+\w+", re.IGNORECASE)


def reads_as_description(text: str) -> bool:
    """Whether text sent where something else was asked is plainly a description of the problem:
    long enough for one, at least four ordinary words, and no possible name."""
    plain_words = [w for w in clean_text(text).split(" ") if _PLAIN_WORD.match(w)]
    return description_problem(text) is None and len(plain_words) >= 4 and name_problem(text) is not None


def reads_as_address(text: str) -> bool:
    """Whether text sent where something else was asked is plainly an address (Jl., RT/RW, No. 12)."""
    words = clean_text(text).lower().replace(",", " ").split()
    return address_problem(text) is None and len(clean_text(text)) <= 120 \
        and _ADDRESS_MARK.search(text) is not None and not _SENTENCE_WORDS.intersection(words)


LocationProblem = Literal["off_the_map", "null_island"]


def location_problem(latitude: float, longitude: float) -> LocationProblem | None:
    """What is wrong with a position, or None: on the map, and not 0, 0 (where broken GPS points)."""
    if not (math.isfinite(latitude) and math.isfinite(longitude)):
        return "off_the_map"
    if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
        return "off_the_map"
    if latitude == 0 and longitude == 0:
        return "null_island"
    return None
