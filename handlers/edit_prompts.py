"""The question for a field being edited from the summary: always with a way to keep it as it is."""

from __future__ import annotations

from handlers.draft import Draft, Slot
from handlers.i18n import _, ngettext
from handlers.messages import Button, Reply
from handlers.prompts import location_text, name_buttons
from handlers.turn import Turn
from storage.reporters import last_report_name

KEEP = "edit:keep"


def keep_button() -> Button:
    """Leave the field as it is and go back to the summary."""
    return Button(_("↩️ Keep as it is"), KEEP)


def editing_replies(turn: Turn, draft: Draft, slot: Slot, text: str) -> list[Reply]:
    """`text` (notes and question) with the edit's choices: keep it, and for photos remove one or done."""
    if slot == "photo":
        return [_photos(draft, text)]
    current = {"name": draft.name, "address": location_text(draft), "description": draft.description}
    if current.get(slot):
        text = f"{text}\n\n" + _("Now: {value}").format(value=current[slot])
    if slot == "address":
        # Telegram shows the share-location keyboard or inline buttons on a message, not both.
        return [Reply(text, ask_location=_("📍 Share location")),
                Reply(_("Or keep the address as it is:"), buttons=((keep_button(),),))]
    rows: tuple[tuple[Button, ...], ...] = ()
    if slot == "name":
        assert turn.reporter.id is not None
        last = last_report_name(turn.connection, reporter_id=turn.reporter.id)
        rows = name_buttons(turn.reporter.profile_name, last)
    return [Reply(text, buttons=(*rows, (keep_button(),)))]


def _photos(draft: Draft, text: str) -> Reply:
    count = len(draft.photos)
    lines = [text]
    if count:
        lines.append(ngettext("The report has {n} photo. Send new photos to replace it, remove one, or "
                              "keep it.",
                              "The report has {n} photos. Send new photos to replace them, remove one, "
                              "or keep them.", count).format(n=count))
    removals = [Button(_("🗑 Remove photo {n}").format(n=n), f"photo:remove:{n}") for n in range(1, count + 1)]
    rows = tuple(tuple(removals[i:i + 2]) for i in range(0, len(removals), 2))
    return Reply("\n\n".join(lines), buttons=(*rows, (Button(_("✅ Done"), KEEP),)))
