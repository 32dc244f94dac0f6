"""More text once the report is complete: an address updates the address, a description is offered."""

from __future__ import annotations

import re

from handlers import categories
from handlers.draft import DESCRIPTION_MAX, Draft, address_problem, clean_text, description_problem
from handlers.i18n import _
from handlers.messages import Button, Reply
from handlers.turn import Turn
from handlers.wording import by_channel

OFFERED = "offered_text"
AS_ADDRESS = "offered_as_address"  # the offered text was typed, and would do as an address
SNIPPET = 120
# Abbreviations and words that only addresses use (RT 03/RW 05, Jl., No. 10, Kel., Kec., Blok C).
_ADDRESS_MARK = re.compile(r"\b(jl|jln|gg|rt|rw|kel|kec|kab|blok|perum|komp|no)\b\.?\s*\d*", re.IGNORECASE)
# A place word followed by a name: "Jalan Merdeka", "Gang Melati", "Desa Sukamaju".
_PLACE_WORD = (r"\b(?:[Jj]alan|[Gg]ang|[Kk]elurahan|[Kk]ecamatan|[Dd]esa|[Dd]usun|[Kk]ampung|[Pp]erumahan|"
               r"[Kk]ompleks?|[Ss]treet|[Rr]oad|[Aa]venue)")
_PLACE_NAME = re.compile(_PLACE_WORD + r"\s+[A-Z0-9]")
ADDRESS_MAX_WORDS = 25


def reads_as_address(text: str) -> bool:
    """Whether text sent at the summary is plainly an address rather than more about the problem."""
    cleaned = clean_text(text)
    if address_problem(cleaned) is not None or len(cleaned.split(" ")) > ADDRESS_MAX_WORDS:
        return False
    if _ADDRESS_MARK.search(cleaned):
        return True
    # A named place, unless the rest speaks of a problem ("Jalan Merdeka berlubang ..."); the place words
    # themselves ("jalan") are category keywords, so they are left out of that check.
    rest = re.sub(_PLACE_WORD, " ", cleaned)
    return bool(_PLACE_NAME.search(cleaned)) and categories.suggest(rest) == categories.OTHER


def take_text(turn: Turn, draft: Draft, text: str) -> list[str]:
    """Text at the summary: an address is taken (and said so), a description offered, else a hint."""
    if reads_as_address(text):
        draft.address = clean_text(text)
        if draft.location_source == "exif":  # the typed place wins over the photo's position, as in intake
            draft.latitude = draft.longitude = draft.location_source = None
        return [_("📍 Address updated: {address}").format(address=draft.address)]
    if description_problem(text) is None:
        offer(turn, draft, text)
        if OFFERED in turn.data and address_problem(text) is None:
            turn.data[AS_ADDRESS] = True
        return []
    return [hint()]


def take_caption(turn: Turn, draft: Draft, caption: str) -> None:
    """A caption on a photo added once the report has a description: offered, never silently appended."""
    offer(turn, draft, caption)


def offer(turn: Turn, draft: Draft, text: str) -> None:
    """Keep `text` to ask whether it replaces or extends the description (unless it is there already)."""
    cleaned = text.strip()
    turn.data.pop(AS_ADDRESS, None)
    if draft.description and clean_text(cleaned) in clean_text(draft.description):
        return
    turn.data[OFFERED] = cleaned


def drop_offer(turn: Turn) -> None:
    """Forget the question about offered text (new input, another choice, or the report filed)."""
    turn.data.pop(OFFERED, None)
    turn.data.pop(AS_ADDRESS, None)


def hint() -> str:
    """What can be done at the summary, in the channel's terms."""
    return by_channel(
        _("Your report is ready. Use the buttons below to submit it, change a field, or cancel."),
        _("Your report is ready. Send SUBMIT to send it, EDIT to change a field, or CANCEL to cancel "
          "(or the number of a choice below)."))


def offer_reply(text: str, offered: str, *, as_address: bool = False) -> Reply:
    """The question about offered text: replace the description, add to it, (be the address,) or ignore it."""
    snippet = offered if len(offered) <= SNIPPET else offered[:SNIPPET - 1] + "…"
    question = _("You sent more text: “{text}”. Should it replace the description, be added to it, "
                 "or be ignored?").format(text=snippet)
    address = ((Button(_("📍 It is the address"), "desc:address"),),) if as_address else ()
    return Reply("\n\n".join([t for t in (text, question) if t]), buttons=(
        (Button(_("🔁 Replace the description"), "desc:replace"),),
        (Button(_("➕ Add to the description"), "desc:add"),),
        *address,
        (Button(_("✖️ Ignore it"), "desc:keep"),),
    ))


def answer_offer(turn: Turn, draft: Draft, value: str) -> list[str]:
    """Apply the answer to the offered text; notes for the next reply."""
    offered = turn.data.pop(OFFERED, None)
    as_address = turn.data.pop(AS_ADDRESS, False)
    if not offered or value == "keep":
        return [_("The description stays as it was.")]
    if value == "address" and as_address:
        draft.address = clean_text(offered)
        if draft.location_source == "exif":
            draft.latitude = draft.longitude = draft.location_source = None
        return [_("📍 Address updated: {address}").format(address=draft.address)]
    if value == "replace" or not draft.description:
        draft.description = offered
        return [_("📝 Description replaced.")]
    combined = f"{draft.description}\n{offered}"
    if len(combined) > DESCRIPTION_MAX:
        return [_("Together they would be too long (at most {max} characters); the description stays "
                  "as it was.").format(max=DESCRIPTION_MAX)]
    draft.description = combined
    return [_("📝 Added to the description.")]
