"""Checks between a complete report and its summary: outside the authority's area, and the same problem.

A pin (or a photo's position) outside the boundary is pointed out, with the neighbour that handles it
when known; the resident sends another location or files it anyway. Open public or anonymous complaints
of the same category nearby are offered to follow instead of filing the problem again.
"""

from __future__ import annotations

from datetime import timedelta

from babel.dates import format_timedelta
from sqlmodel import Session

from handlers import categories
from handlers.draft import Draft
from handlers.i18n import _, current_locale
from handlers.messages import Button, Reply
from handlers.turn import Turn
from storage.duplicates import Nearby, nearby_open
from storage.followers import follow
from storage.models import Agency, Complaint, ComplaintStatus
from storage.reporters import IDLE

CHOICES = frozenset({"area", "dup"})
SHOWN = 3
SNIPPET = 40


def check(turn: Turn, draft: Draft) -> list[Reply]:
    """What to ask first: a location outside the area as soon as it is known; open complaints nearby
    as soon as the place and the description (hence the category) are known."""
    if draft.latitude is None or draft.longitude is None:
        return []
    point = [draft.latitude, draft.longitude]
    geography = turn.config.geography
    if geography is not None and draft.area_for != point:
        place = geography.locate(draft.latitude, draft.longitude)
        draft.area_for = point
        draft.kelurahan, draft.kecamatan = place.kelurahan, place.kecamatan
        draft.outside_area, draft.outside_accepted = not place.inside, False
        turn.save_draft(draft)
        if not place.inside:
            return [_outside(draft, place.neighbour.name if place.neighbour else None,
                             place.neighbour.channel if place.neighbour else None)]
    if draft.outside_area and not draft.outside_accepted:
        return [_outside(draft, None, None)]
    if not draft.description:
        return []
    category = draft.category or categories.OTHER
    key = [*point, category]
    if draft.duplicates_for == key:
        return []
    draft.duplicates_for = key
    turn.save_draft(draft)
    found = nearby_open(turn.session, category=category, latitude=point[0], longitude=point[1],
                        radius_m=turn.config.duplicate_radius_m, exclude_reporter_id=turn.reporter.id,
                        since=turn.now - timedelta(days=turn.config.duplicate_days), limit=SHOWN)
    return [_duplicates(turn, found)] if found else []


def _outside(draft: Draft, neighbour: str | None, channel: str | None) -> Reply:
    where = (_("The position in your photo is outside the area this service covers.")
             if draft.location_source == "exif"
             else _("This location is outside the area this service covers."))
    lines = [f"📍 {where}"]
    if neighbour and channel:
        lines.append(_("It looks like {name}: please report it there ({channel}).").format(
            name=neighbour, channel=channel))
    elif neighbour:
        lines.append(_("It looks like {name}: please report it to their service.").format(name=neighbour))
    lines.append(_("Send another location if the pin is wrong, or file the report anyway and the desk "
                   "will check whose authority it is."))
    return Reply("\n\n".join(lines), buttons=(
        (Button(_("📍 Send another location"), "area:relocate"),),
        (Button(_("➡️ File it anyway"), "area:anyway"),),
    ))


def line(session: Session, nearby: Nearby) -> str:
    """“ADU-7K3M9Q · Lampu jalan mati · 80 m · diteruskan ke Dishub, 2 hari lalu”: nothing of who reported."""
    complaint = nearby.complaint
    snippet = " ".join(complaint.description.split())
    if len(snippet) > SNIPPET:
        snippet = snippet[:SNIPPET - 1].rstrip() + "…"
    metres = max(10, round(nearby.distance_m / 10) * 10)
    return f"{complaint.code} · {snippet} · {metres} m · {stage(session, complaint)}"


def stage(session: Session, complaint: Complaint) -> str:
    """Where a complaint stands, for another resident: the status, the agency, and since when."""
    agency = session.get(Agency, complaint.agency_id) if complaint.agency_id else None
    name = agency.name if agency else "-"
    texts: dict[str, str] = {
        ComplaintStatus.RECEIVED: _("received, awaiting verification"),
        ComplaintStatus.VERIFIED: _("forwarded to {agency}").format(agency=name),
        ComplaintStatus.IN_PROGRESS: _("being handled by {agency}").format(agency=name),
        ComplaintStatus.NEEDS_INFO: _("waiting for more information"),
        ComplaintStatus.REOPENED: _("reopened"),
    }
    return texts.get(complaint.status, complaint.status)


def _duplicates(turn: Turn, found: list[Nearby]) -> Reply:
    lines = [_("🔁 This may have been reported already. Open reports of the same kind nearby:")]
    buttons: list[tuple[Button, ...]] = []
    for nearby in found:
        since = format_timedelta(nearby.complaint.updated_at - turn.now, add_direction=True,
                                 locale=current_locale())
        lines.append(f"• {line(turn.session, nearby)}, {since}")
        buttons.append((Button(_("✅ Same problem: follow {code}").format(code=nearby.complaint.code),
                               f"dup:follow:{nearby.complaint.code}"),))
    lines.append(_("If one of them is your problem, follow it: you get its updates, and your photo and "
                   "description are added to it for the officers. Otherwise continue with your own report."))
    buttons.append((Button(_("➡️ Mine is different: continue"), "dup:continue"),))
    return Reply("\n".join(lines[:-1]) + "\n\n" + lines[-1], buttons=tuple(buttons))


def choice(turn: Turn, draft: Draft, kind: str, value: str) -> list[Reply] | None:
    """The resident's answer to a check; None to go on to the next question or the summary."""
    if kind == "area":
        if value == "anyway":
            draft.outside_accepted = True
        elif value == "relocate":
            draft.latitude = draft.longitude = draft.location_source = None
            draft.area_for, draft.outside_area = None, False
            turn.data["editing"] = "address"
        turn.save_draft(draft)
        return None
    action, _sep, code = value.partition(":")
    if action != "follow":
        return None
    return _follow(turn, draft, code)


def _follow(turn: Turn, draft: Draft, code: str) -> list[Reply] | None:
    assert turn.reporter.id is not None
    offered = draft.duplicates_for
    if offered is None or draft.latitude is None or draft.longitude is None:
        return None
    found = {n.complaint.code: n.complaint for n in nearby_open(
        turn.session, category=str(offered[2]), latitude=draft.latitude, longitude=draft.longitude,
        radius_m=turn.config.duplicate_radius_m, exclude_reporter_id=turn.reporter.id,
        since=turn.now - timedelta(days=turn.config.duplicate_days), limit=SHOWN)}
    complaint = found.get(code)
    if complaint is None:  # closed or changed since it was offered: look again
        draft.duplicates_for = None
        turn.save_draft(draft)
        return None
    name = draft.name or turn.reporter.profile_name or "-"
    follow(turn.session, complaint=complaint, reporter_id=turn.reporter.id, name=name,
           description=draft.description or "", photos=draft.photos, latitude=draft.latitude,
           longitude=draft.longitude, now=turn.now)
    turn.data.pop("draft", None)  # the photos now belong to the supporting report: keep the files
    turn.data.pop("editing", None)
    turn.step = IDLE
    return [Reply(_("👍 You now follow {code}. I will message you here when its status changes; your "
                    "photo and description were added to it for the officers. Check it any time with "
                    "/status {code}.").format(code=complaint.code), clear_keyboard=True)]
