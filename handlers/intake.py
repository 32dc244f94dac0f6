"""Slot filling: apply whatever the resident sent to the open report, then ask for what is missing."""

from __future__ import annotations

from dataclasses import dataclass, field

from handlers import at_summary, before_summary, categories
from handlers.draft import (
    Draft,
    Slot,
    address_problem,
    clean_text,
    description_problem,
    location_problem,
    name_problem,
    reads_as_address,
    reads_as_description,
)
from handlers.edit_prompts import editing_replies
from handlers.i18n import _
from handlers.messages import Location, Reply
from handlers.prompts import ask, name_buttons, problem_text, summary, summary_buttons
from handlers.turn import Turn
from storage.reporters import last_report_name

COLLECTING = "collecting"
CONFIRMING = "confirming"


def _problem(turn: Turn, key: str) -> str:
    return problem_text(key, max_photos=turn.config.max_photos,
                        max_mb=turn.config.max_photo_bytes / (1024 * 1024))


def take(turn: Turn) -> list[Reply]:
    """Fill the open report (starting one if needed) with the message and answer it: what was taken
    first, then what was wrong, then the next question."""
    msg, draft = turn.msg, turn.draft or Draft()
    at_summary.drop_offer(turn)  # new input passes over a question about earlier text
    editing: Slot | None = turn.data.get("editing")
    got = _Got()
    if msg.unsupported:
        got.notes.append(_problem(turn, f"unsupported:{msg.unsupported}"))
    if msg.attachments:
        _take_photos(turn, draft, editing, got)
    if msg.location:
        _take_location(turn, draft, msg.location, got)
    if msg.text and msg.text.strip():
        if msg.attachments:
            _take_caption(turn, draft, editing, msg.text, got)
        else:
            _take_text(turn, draft, editing, msg.text, got)
    elif msg.text is not None and not msg.attachments:
        got.notes.append(_problem(turn, "name:empty" if _target(draft, editing) == "name"
                                  else "unsupported:other"))
    if editing in got.filled:
        turn.data.pop("editing", None)
    turn.save_draft(draft)
    return next_prompt(turn, draft, ([" ".join(got.acks)] if got.acks else []) + got.notes)


@dataclass
class _Got:
    """What one message filled, the acknowledgements to say so, and the problems found."""

    filled: set[Slot] = field(default_factory=set)
    acks: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def fill(self, slot: Slot, ack: str) -> None:
        self.filled.add(slot)
        self.acks.append(ack)


def _target(draft: Draft, editing: Slot | None) -> Slot | None:
    missing = draft.missing()
    return editing or (missing[0] if missing else None)


def _take_photos(turn: Turn, draft: Draft, editing: Slot | None, got: _Got) -> None:
    problems: dict[str, None] = {}
    fresh = []
    for attachment in turn.msg.attachments:
        prepared = turn.prepared.get(attachment.ref)
        if prepared is None or prepared.stored is None:
            problems[_problem(turn, f"photo:{prepared.problem if prepared else 'unavailable'}")] = None
        else:
            fresh.append(prepared)
    if fresh and editing == "photo":
        turn.discarded_files.extend(p.path for p in draft.photos)
        draft.photos = []
    room = max(turn.config.max_photos - len(draft.photos), 0)
    kept, extra = fresh[:room], fresh[room:]
    if extra:
        problems[_problem(turn, "photo:limit")] = None
    for prepared in kept:
        assert prepared.stored is not None
        draft.photos.append(prepared.stored)
        turn.used_files.add(prepared.stored.path)
    positions = [p.gps for p in kept if p.gps is not None]
    gps = next((g for g in positions if location_problem(*g) is None), positions[0] if positions else None)
    if kept:
        received = (_("📷 Photo received ({total}/{max}).") if len(kept) == 1
                    else _("📷 {count} photos received ({total}/{max})."))
        got.fill("photo", received.format(count=len(kept), total=len(draft.photos),
                                          max=turn.config.max_photos))
    if gps is not None and draft.latitude is None:
        if location_problem(*gps) is None:
            draft.latitude, draft.longitude = gps
            draft.location_source = "exif"
            got.fill("address", _("📍 Location taken from the photo."))
        elif not draft.has("address"):
            problems[_problem(turn, "location:photo")] = None
    got.notes += list(problems)


def _take_location(turn: Turn, draft: Draft, location: Location, got: _Got) -> None:
    problem = location_problem(location.latitude, location.longitude)
    if problem is not None:
        got.notes.append(_problem(turn, f"location:{problem}"))
        return
    draft.latitude, draft.longitude = location.latitude, location.longitude
    draft.location_source = "pin"
    if location.label and not draft.address:
        draft.address = clean_text(location.label)
    got.fill("address", _("📍 Location received."))


def _take_caption(turn: Turn, draft: Draft, editing: Slot | None, caption: str, got: _Got) -> None:
    text = caption.strip()
    problem = description_problem(text)
    if not draft.description or editing == "description":
        if problem is None:
            draft.description = text
            got.fill("description", _("📝 Caption saved as the problem description."))
        else:
            got.notes.append(_problem(turn, "caption:too_short" if problem == "too_short"
                                      else "description:too_long"))
        return
    if problem is None:
        at_summary.take_caption(turn, draft, text)


def _take_text(turn: Turn, draft: Draft, editing: Slot | None, text: str, got: _Got) -> None:
    """The text answers the question asked, unless it plainly is another missing slot (and says so)."""
    target = _target(draft, editing)
    if target is None:
        got.notes.extend(at_summary.take_text(turn, draft, text))
        return
    if editing is None and target in {"name", "photo"}:
        if target == "name" and not draft.has("address") and reads_as_address(text):
            draft.address = clean_text(text)
            got.fill("address", _("🏠 I saved that as the address."))
            return
        if not draft.description and reads_as_description(text):
            draft.description = text.strip()
            got.fill("description", _("📝 I saved that as the problem description."))
            return
    if target == "name":
        name_issue = name_problem(text)
        if name_issue:
            got.notes.append(_problem(turn, f"name:{name_issue}"))
            return
        draft.name = clean_text(text)
        got.fill("name", _("👤 Name saved."))
    elif target == "address":
        address_issue = address_problem(text)
        if address_issue:
            got.notes.append(_problem(turn, f"address:{address_issue}"))
            return
        draft.address = clean_text(text)
        if draft.location_source == "exif":
            draft.latitude = draft.longitude = draft.location_source = None
        got.fill("address", _("🏠 Address saved."))
    elif target == "photo":
        got.notes.append(_problem(turn, "text:photo_expected" if editing else "photo:missing"))
    else:
        description_issue = description_problem(text)
        if description_issue:
            got.notes.append(_problem(turn, f"description:{description_issue}"))
            return
        draft.description = text.strip()
        got.fill("description", _("📝 Description saved."))


def next_prompt(turn: Turn, draft: Draft, notes: list[str] | None = None) -> list[Reply]:
    """Ask for the slot being edited or the first missing one; show the summary when complete."""
    if draft.description and not draft.category_chosen:
        draft.category = categories.suggest(draft.description)
        turn.save_draft(draft)
    editing: Slot | None = turn.data.get("editing")
    missing = draft.missing()
    slot = editing or (missing[0] if missing else None)
    texts = list(notes or [])
    offered = turn.data.get(at_summary.OFFERED)
    if offered:
        turn.step = CONFIRMING if slot is None else COLLECTING
        return _with_keyboard_cleared(turn, at_summary.offer_reply(
            "\n\n".join(texts), offered, as_address=bool(turn.data.get(at_summary.AS_ADDRESS))))
    asked = before_summary.check(turn, draft)
    if asked:
        turn.step = COLLECTING
        text = "\n\n".join([*texts, asked[0].text])
        return _with_keyboard_cleared(turn, Reply(text, buttons=asked[0].buttons))
    if slot is None:
        turn.step = CONFIRMING
        texts.append(summary(draft, turn.config.timezone))
        return _with_keyboard_cleared(turn, Reply("\n\n".join(texts), buttons=summary_buttons()))
    turn.step = COLLECTING
    texts.append(ask(slot, max_photos=turn.config.max_photos))
    text = "\n\n".join(texts)
    if editing:
        replies = editing_replies(turn, draft, editing, text)
        if replies[0].ask_location:
            turn.data["keyboard"] = True
            return replies
        return _with_keyboard_cleared(turn, replies[0]) + replies[1:]
    if slot == "name":
        assert turn.reporter.id is not None
        last = last_report_name(turn.connection, reporter_id=turn.reporter.id)
        buttons = name_buttons(turn.reporter.profile_name, last)
        return _with_keyboard_cleared(turn, Reply(text, buttons=buttons))
    if slot == "address":
        turn.data["keyboard"] = True
        return [Reply(text, ask_location=_("📍 Share location"))]
    return _with_keyboard_cleared(turn, Reply(text))


def _with_keyboard_cleared(turn: Turn, reply: Reply) -> list[Reply]:
    """Take away the share-location keyboard once it is no longer asked for."""
    if not turn.data.pop("keyboard", False):
        return [reply]
    if not reply.buttons:
        return [Reply(reply.text, clear_keyboard=True)]
    return [Reply(_("Noted, thank you."), clear_keyboard=True), reply]
