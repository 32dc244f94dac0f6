"""The unfinished report (the slots being filled) and the rules each slot's value must meet."""

from __future__ import annotations

import re
from dataclasses import dataclass, field, fields
from typing import Any, Literal

from storage.media import StoredPhoto

Slot = Literal["name", "address", "photo", "description"]
SLOTS: tuple[Slot, ...] = ("name", "address", "photo", "description")

NAME_MAX = 100
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


NameProblem = Literal["empty", "too_long", "no_letters", "url"]


def name_problem(text: str) -> NameProblem | None:
    """What is wrong with `text` as a name, or None when it will do."""
    name = clean_text(text)
    if not name:
        return "empty"
    if len(name) > NAME_MAX:
        return "too_long"
    if _URL.search(name):
        return "url"
    if len(_LETTER.findall(name)) < 2:
        return "no_letters"
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


def reads_as_description(text: str) -> bool:
    """Whether text sent where a name was asked is plainly a description of the problem."""
    cleaned = clean_text(text)
    return len(cleaned) >= 30 and len(cleaned.split(" ")) >= 5 and description_problem(text) is None
