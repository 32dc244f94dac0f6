"""Changing a report from its summary: the edit choices, keeping a field, removing a photo, offered text."""

from __future__ import annotations

from handlers import at_summary, categories
from handlers.draft import SLOTS, Draft
from handlers.edit_prompts import keep_button
from handlers.i18n import _
from handlers.intake import next_prompt
from handlers.messages import Button, Reply
from handlers.prompts import privacy_label
from handlers.turn import Turn
from storage.models import Privacy
from storage.reporters import last_report_name

# Typed at the summary (WhatsApp has no buttons to tap): open the edit choices.
EDIT_WORDS = frozenset({"ubah", "edit", "ganti", "change", "ubah laporan", "edit report", "correct"})


def edit_menu() -> Reply:
    """Which field to change, or back to the summary."""
    return Reply(_("What do you want to change?"), buttons=(
        (Button(_("✏️ Name"), "edit:name"), Button(_("✏️ Address"), "edit:address")),
        (Button(_("✏️ Photos"), "edit:photo"), Button(_("✏️ Description"), "edit:description")),
        (Button(_("🏷 Category"), "edit:category"), Button(_("🔒 Privacy"), "edit:privacy")),
        (Button(_("↩️ Back to the summary"), "edit:keep"),),
    ))


def edit(turn: Turn, draft: Draft, field: str) -> list[Reply]:
    """Start editing `field` (or show the edit choices, or keep everything as it is)."""
    if field == "menu":
        return [edit_menu()]
    if field == "keep":
        turn.data.pop("editing", None)
        return next_prompt(turn, draft)
    if field == "category":
        labels = [Button(categories.label(c), f"cat:{c}") for c in categories.CATEGORIES]
        rows = tuple(tuple(labels[i:i + 2]) for i in range(0, len(labels), 2))
        return [Reply(_("Choose the category that fits best:"), buttons=(*rows, (keep_button(),)))]
    if field == "privacy":
        return [Reply(_("Who may see this report?"), buttons=(
            *((Button(privacy_label(mode), f"priv:{mode}"),) for mode in Privacy), (keep_button(),)))]
    if field not in SLOTS:
        return next_prompt(turn, draft)
    turn.data["editing"] = field
    return next_prompt(turn, draft)


def remove_photo(turn: Turn, draft: Draft, value: str) -> list[Reply]:
    """`photo:remove:N`: take photo N out of the report (its file is deleted); the photos step goes on."""
    _action, _sep, number = value.partition(":")
    index = int(number) - 1 if number.isdigit() else -1
    if not 0 <= index < len(draft.photos):
        return next_prompt(turn, draft, [_("That photo is not in the report any more.")])
    removed = draft.photos.pop(index)
    turn.discarded_files.append(removed.path)
    turn.data["editing"] = "photo"
    turn.save_draft(draft)
    return next_prompt(turn, draft, [_("🗑 Photo {n} removed.").format(n=index + 1)])


def answer_offer(turn: Turn, draft: Draft, value: str) -> list[Reply]:
    """Replace, extend or keep the description with the text offered at the summary."""
    notes = at_summary.answer_offer(turn, draft, value)
    if draft.description and not draft.category_chosen:
        draft.category = categories.suggest(draft.description)
    turn.save_draft(draft)
    return next_prompt(turn, draft, notes)


def use_name(turn: Turn, draft: Draft, which: str) -> list[Reply]:
    """One tap for the name: the last report's or the profile's."""
    assert turn.reporter.id is not None
    name = (last_report_name(turn.connection, reporter_id=turn.reporter.id) if which == "last"
            else turn.reporter.profile_name)
    if not name:
        return next_prompt(turn, draft)
    draft.name = name
    if turn.data.get("editing") == "name":
        turn.data.pop("editing")
    turn.save_draft(draft)
    return next_prompt(turn, draft, [_("👤 Name saved.")])
