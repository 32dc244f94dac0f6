"""What the bot says: prompts for each slot, problems with what was sent, and formatting."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from babel.dates import format_datetime

from handlers import categories
from handlers.draft import (
    ADDRESS_MAX,
    DESCRIPTION_MAX,
    DESCRIPTION_MIN,
    NAME_MAX,
    NAME_MAX_WORDS,
    NAME_MIN,
    Draft,
    Slot,
)
from handlers.i18n import _, current_locale, ngettext
from handlers.messages import Button
from storage.models import ComplaintStatus, Privacy


def status_label(status: str) -> str:
    """A status as the reporter reads it."""
    labels: dict[str, str] = {
        ComplaintStatus.RECEIVED: _("Received, waiting for verification"),
        ComplaintStatus.VERIFIED: _("Verified and forwarded to the agency"),
        ComplaintStatus.IN_PROGRESS: _("In progress"),
        ComplaintStatus.NEEDS_INFO: _("More information needed"),
        ComplaintStatus.RESOLVED: _("Resolved"),
        ComplaintStatus.ARCHIVED: _("Archived"),
        ComplaintStatus.REOPENED: _("Reopened"),
        ComplaintStatus.CLOSED: _("Closed"),
    }
    return labels.get(status, status)


def privacy_label(privacy: str) -> str:
    """A privacy mode as the reporter reads it."""
    labels: dict[str, str] = {
        Privacy.PUBLIC: _("Public"),
        Privacy.ANONYMOUS: _("Anonymous (your identity is hidden from the agency)"),
        Privacy.CONFIDENTIAL: _("Confidential (the report is never made public)"),
    }
    return labels.get(privacy, privacy)


# Indonesia's three time zones by their usual names; other zones show their own abbreviation.
ZONE_NAMES = {"Asia/Jakarta": "WIB", "Asia/Pontianak": "WIB", "Asia/Makassar": "WITA",
              "Asia/Ujung_Pandang": "WITA", "Asia/Jayapura": "WIT"}


def zone_name(moment: datetime, timezone: str) -> str:
    """The time zone's name as residents know it (WIB, WITA, WIT), else its abbreviation."""
    return ZONE_NAMES.get(timezone) or moment.astimezone(ZoneInfo(timezone)).tzname() or timezone


def when(moment: datetime, timezone: str) -> str:
    """A date and time in the reporter's language and the service's time zone, with the zone's name."""
    shown = format_datetime(moment, "d MMM yyyy, HH:mm", tzinfo=ZoneInfo(timezone), locale=current_locale())
    return f"{shown} {zone_name(moment, timezone)}"


def ask(slot: Slot, *, max_photos: int) -> str:
    """The question for an empty slot."""
    questions = {
        "name": _("What is your name? (It is shared only with the officers handling your report.)"),
        "address": _("Where is the problem? Type the address (street, number, RT/RW, "
                     "village/kelurahan) or share a location pin."),
        "photo": _("Please send a photo of the problem (up to {max} photos)."),
        "description": _("Describe the problem: what is wrong, since when, and how it affects "
                         "you (at least {min} characters)."),
    }
    return questions[slot].format(max=max_photos, min=DESCRIPTION_MIN)


def name_buttons(profile_name: str | None, last_name: str | None) -> tuple[tuple[Button, ...], ...]:
    """One-tap answers for the name: the name of the last report and the profile name."""
    rows: list[tuple[Button, ...]] = []
    if last_name:
        rows.append((Button(_("Use “{name}”").format(name=last_name), "name:last"),))
    if profile_name and profile_name != last_name:
        rows.append((Button(_("Use “{name}”").format(name=profile_name), "name:profile"),))
    return tuple(rows)


def problem_text(problem: str, *, max_photos: int = 5, max_mb: float = 10) -> str:
    """A friendly explanation of what was wrong with what the resident sent."""
    texts = {
        "name:empty": _("The name cannot be empty. Please type your name."),
        "name:no_letters": _("A name needs letters. Please type your name."),
        "name:too_long": _("That name is too long (at most {max} characters).").format(
            max=NAME_MAX),
        "name:url": _("A name cannot contain a link. Please type your name."),
        "name:too_short": _("A name needs at least {min} letters. Please type your name.").format(
            min=NAME_MIN),
        "name:characters": _("A name can only have letters, spaces and . , ' - marks. Please type your "
                             "name as it should appear on the report."),
        "name:command": _("That is not a name. Please type your name, for example: Siti Aminah."),
        "name:sentence": _("That looks like a sentence, not a name. Please type only your name "
                           "(at most {words} words).").format(words=NAME_MAX_WORDS),
        "location:off_the_map": _("📍 That location is not on the map (latitude runs from -90 to 90, "
                                  "longitude from -180 to 180), so I did not keep it. Please share the "
                                  "location again or type the address."),
        "location:null_island": _("📍 That location is 0, 0, in the middle of the ocean: usually a phone "
                                  "without a GPS fix yet. I did not keep it. Please share the location "
                                  "again or type the address."),
        "location:photo": _("📍 The position stored in the photo cannot be right, so I did not use it. "
                            "Please share the location or type the address."),
        "address:too_short": _("That address is too short for the officers to find the place. "
                               "Add the street, number, RT/RW or village, or share a location pin."),
        "address:too_long": _("That address is too long (at most {max} characters).").format(
            max=ADDRESS_MAX),
        "description:too_short": _("The description is too short: please write at least {min} "
                                   "characters so the officers understand the problem.").format(
            min=DESCRIPTION_MIN),
        "description:too_long": _("The description is too long: at most {max} characters, "
                                  "please shorten it.").format(max=DESCRIPTION_MAX),
        "caption:too_short": _("I kept the photo. Its caption is too short to describe the "
                               "problem (at least {min} characters).").format(min=DESCRIPTION_MIN),
        "photo:missing": _("A photo of the problem is required: the officers cannot act "
                           "without one."),
        "photo:not_image": _("That file is not a picture I can read. Please send a photo "
                             "(JPEG or PNG)."),
        "photo:too_large": _("That photo is too large (at most {mb} MB). Please send a smaller "
                             "one, for example as a photo instead of a file.").format(mb=f"{max_mb:g}"),
        "photo:too_many_pixels": _("That image is too large to process. Please send a normal "
                                   "photo from your camera."),
        "photo:unavailable": _("I could not download that photo. Please send it again."),
        "photo:limit": _("At most {max} photos fit in one report; the extra ones were not kept.").format(
            max=max_photos),
        "unsupported:sticker": _("Stickers cannot be part of a report."),
        "unsupported:voice": _("Voice messages cannot be part of a report yet; please type it."),
        "unsupported:audio": _("Audio cannot be part of a report yet; please type it."),
        "unsupported:video": _("Videos cannot be part of a report yet; please send a photo."),
        "unsupported:contact": _("Contacts cannot be part of a report; please type the name."),
        "unsupported:other": _("I cannot use that kind of message in a report."),
        "text:photo_expected": _("Please send a photo here, not text."),
    }
    return texts.get(problem, texts["unsupported:other"])


def summary(draft: Draft, timezone: str) -> str:
    """The whole report, for the resident to check before submitting."""
    photos = len(draft.photos)
    lines = [
        _("Please check your report:"),
        "",
        _("Name: {value}").format(value=draft.name),
        _("Address: {value}").format(value=location_text(draft)),
        *area_lines(draft.kelurahan, draft.kecamatan, draft.outside_area),
        ngettext("Photos: {n} photo", "Photos: {n} photos", photos).format(n=photos),
        _("Category: {value}").format(value=categories.label(draft.category or categories.OTHER)),
        _("Privacy: {value}").format(value=privacy_label(draft.privacy)),
        _("Description: {value}").format(value=draft.description),
    ]
    return "\n".join(lines)


def area_lines(kelurahan: str | None, kecamatan: str | None, outside: bool) -> list[str]:
    """The kelurahan and kecamatan of the pin, or the warning that it lies outside the service area."""
    if outside:
        return [_("⚠️ Outside the area this service covers")]
    parts = [_("Kelurahan {name}").format(name=kelurahan) if kelurahan else "",
             _("Kecamatan {name}").format(name=kecamatan) if kecamatan else ""]
    shown = ", ".join(p for p in parts if p)
    return [_("Area: {value}").format(value=shown)] if shown else []


def location_text(draft: Draft) -> str:
    """The address and, when there is one, the pin."""
    parts = []
    if draft.address:
        parts.append(draft.address)
    if draft.latitude is not None and draft.longitude is not None:
        source = _("from the photo") if draft.location_source == "exif" else _("pin")
        parts.append(f"📍 {draft.latitude:.5f}, {draft.longitude:.5f} ({source})")
    return " · ".join(parts) if parts else "-"


def summary_buttons() -> tuple[tuple[Button, ...], ...]:
    """Submit, edit each field, or cancel."""
    return (
        (Button(_("✅ Submit"), "submit"),),
        (Button(_("✏️ Name"), "edit:name"), Button(_("✏️ Address"), "edit:address")),
        (Button(_("✏️ Photos"), "edit:photo"), Button(_("✏️ Description"), "edit:description")),
        (Button(_("🏷 Category"), "edit:category"), Button(_("🔒 Privacy"), "edit:privacy")),
        (Button(_("❌ Cancel"), "cancel"),),
    )
