"""Every kind of bad input gets a specific, friendly answer and loses nothing already given."""

from __future__ import annotations

from typing import Any

import pytest

from handlers.engine import Conversations
from helpers import Resident, jpeg

DESCRIPTION = "The drain in front of house 12 has been blocked for a week and floods the road."


async def at_step(resident: Resident, step: str) -> None:
    """Bring the resident's report to the point where `step` is asked."""
    await resident.agree()
    if step == "name":
        return
    await resident.say("Budi Santoso")
    if step == "address":
        return
    await resident.say("Jl. Merdeka No. 10, RT 03/RW 05")
    if step == "photo":
        return
    await resident.photo(jpeg())


CASES: list[tuple[str, str, dict[str, Any], str]] = [
    ("name", "empty name", {"text": "   "}, "cannot be empty"),
    ("name", "emoji name", {"text": "🙂🙂🙂"}, "needs letters"),
    ("address", "short address", {"text": "near market"}, "too short for the officers"),
    ("photo", "no photo", {"text": "ok"}, "photo of the problem is required"),
    ("photo", "not an image", {"document": b"%PDF-1.7 not a picture"}, "not a picture"),
    ("photo", "image too big", {"document": jpeg(3000, 3000, color=(1, 2, 3)) + b"\0" * 11_000_000},
     "too large"),
    ("photo", "sticker", {"unsupported": "sticker"}, "Stickers"),
    ("photo", "voice", {"unsupported": "voice"}, "Voice messages"),
    ("photo", "video", {"unsupported": "video"}, "Videos"),
    ("name", "contact", {"unsupported": "contact"}, "Contacts"),
    ("description", "short description", {"text": "broken"}, "too short"),
    ("description", "long description", {"text": "x" * 2001}, "too long"),
]


@pytest.mark.parametrize(("step", "case", "sent", "answer"), CASES, ids=[c[1] for c in CASES])
async def test_bad_input_is_explained_and_nothing_is_lost(
        conversations: Conversations, step: str, case: str, sent: dict[str, Any], answer: str) -> None:
    resident = Resident(conversations, language_code="en")
    await at_step(resident, step)
    if "document" in sent:
        await resident.photo(sent["document"], kind="document")
    elif "unsupported" in sent:
        await resident.send(resident.message(unsupported=sent["unsupported"]))
    else:
        await resident.say(sent["text"])
    assert answer in resident.text
    # The same slot is asked again, and finishing the report shows everything given before.
    await finish_from(resident, step)
    assert "Budi Santoso" in resident.text or step == "name"
    assert "Please check your report" in resident.text


async def finish_from(resident: Resident, step: str) -> None:
    """Fill the slots from `step` on with good values."""
    steps = ["name", "address", "photo", "description"]
    for slot in steps[steps.index(step):]:
        if slot == "name":
            await resident.say("Budi Santoso")
        elif slot == "address":
            await resident.say("Jl. Merdeka No. 10, RT 03/RW 05")
        elif slot == "photo":
            await resident.photo(jpeg())
        else:
            await resident.say(DESCRIPTION)


async def test_a_sixth_photo_is_refused_and_five_are_kept(conversations: Conversations) -> None:
    resident = Resident(conversations, language_code="en")
    await at_step(resident, "photo")
    await resident.photo(*[jpeg(color=(i, i, i)) for i in range(6)])
    assert "At most 5 photos" in resident.text
    await resident.say(DESCRIPTION)
    assert "Photos: 5 photos" in resident.text
