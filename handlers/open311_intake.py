"""A service request from another system (Open311 POST), held to the chat's completeness rules and filed."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.engine import Connection
from sqlmodel import Session

from handlers import categories
from handlers.deadlines import filing_deadlines
from handlers.draft import (
    ADDRESS_MAX,
    DESCRIPTION_MAX,
    DESCRIPTION_MIN,
    NAME_MAX,
    address_problem,
    clean_text,
    description_problem,
    name_problem,
)
from handlers.i18n import _
from handlers.operators.alerts import alert_desk
from handlers.turn import FlowConfig
from storage.complaints import NewComplaint, file_complaint
from storage.media import CleanPhoto, MediaStore, PhotoRejected, clean_photo
from storage.models import Complaint, Privacy, Reporter
from storage.reporters import get_reporter

CHANNEL = "open311"


@dataclass(frozen=True)
class ServiceRequest:
    """The fields of a POSTed service request, as given (None when absent)."""

    service_code: str | None = None
    description: str | None = None
    lat: str | None = None
    long: str | None = None
    address: str | None = None
    first_name: str | None = None
    last_name: str | None = None
    name: str | None = None
    privacy: str | None = None
    photo: bytes | None = None
    # Why a photo the request pointed at could not be had (media_url unreachable, too large...).
    photo_problem: str | None = None


@dataclass(frozen=True)
class Checked:
    """A request that passed every rule: what the complaint is made of."""

    name: str
    description: str
    category: str
    address: str | None
    latitude: float | None
    longitude: float | None
    privacy: str
    photo: CleanPhoto


def _text(value: str | None) -> str:
    return clean_text(value or "")


def _location(request: ServiceRequest, problems: list[str]) -> tuple[float | None, float | None, str | None]:
    address = _text(request.address) or None
    lat, long = None, None
    if request.lat or request.long:
        try:
            lat, long = float(request.lat or ""), float(request.long or "")
        except ValueError:
            lat = long = None
        if lat is None or long is None or not (-90 <= lat <= 90 and -180 <= long <= 180):
            problems.append(_("lat and long must be decimal degrees (lat -90 to 90, long -180 to 180)."))
            return None, None, address
    if address is not None and (problem := address_problem(address)) is not None:
        if problem == "too_long":
            problems.append(_("address is too long (at most {max} characters).").format(max=ADDRESS_MAX))
        elif lat is None:
            problems.append(_("address is too short for the officers to find the place: give the street, "
                              "number, RT/RW or village, or lat and long."))
    if lat is None and address is None:
        problems.append(_("A location is required: lat and long, or address."))
    return lat, long, address


def check(request: ServiceRequest, *, max_photo_bytes: int) -> Checked | list[str]:
    """The request made into a complaint's fields, or every problem found, each naming its field."""
    problems: list[str] = []
    code = _text(request.service_code) or None
    if code is not None and code not in categories.CATEGORIES:
        problems.append(_("service_code “{code}” is not a known service; see services.json.").format(
            code=code[:40]))
    description = (request.description or "").strip()
    if not description:
        problems.append(_("description is required: at least {min} characters about the problem.").format(
            min=DESCRIPTION_MIN))
    elif description_problem(description) == "too_short":
        problems.append(_("description is too short: at least {min} characters.").format(min=DESCRIPTION_MIN))
    elif description_problem(description) == "too_long":
        problems.append(_("description is too long: at most {max} characters.").format(max=DESCRIPTION_MAX))
    lat, long, address = _location(request, problems)
    parts = (_text(request.first_name), _text(request.last_name))
    name = _text(request.name) or " ".join(p for p in parts if p)
    if not name:
        problems.append(_("The reporter's name is required: first_name and last_name, or name."))
    elif name_problem(name) is not None:
        problems.append(_("name must be a person's name of at most {max} characters, without links.").format(
            max=NAME_MAX))
    privacy = _text(request.privacy).lower() or Privacy.PUBLIC.value
    if privacy not in {p.value for p in Privacy}:
        problems.append(_("privacy must be public, anonymous or confidential."))
    photo = _photo(request, max_photo_bytes, problems)
    if problems:
        return problems
    assert photo is not None
    return Checked(name=name, description=description, category=code or categories.suggest(description),
                   address=address, latitude=lat, longitude=long, privacy=privacy, photo=photo)


def _photo(request: ServiceRequest, max_bytes: int, problems: list[str]) -> CleanPhoto | None:
    if request.photo_problem is not None:
        problems.append(request.photo_problem)
        return None
    if request.photo is None:
        problems.append(_("A photo of the problem is required: media_url, or a media file uploaded with "
                          "the request."))
        return None
    try:
        return clean_photo(request.photo, max_bytes=max_bytes)
    except PhotoRejected as rejected:
        problems.append(_("The photo cannot be used: {reason}.").format(reason={
            "not_image": _("it is not a JPEG or PNG picture"),
            "too_large": _("it is larger than {mb:g} MB").format(mb=max_bytes / 1024 / 1024),
            "too_many_pixels": _("it has too many pixels"),
        }[rejected.reason]))
        return None


def file_request(connection: Connection, *, checked: Checked, source: str, config: FlowConfig,
                 media: MediaStore, now: datetime) -> Complaint:
    """File the checked request as a complaint of channel `open311`, for the operators' queue."""
    session = Session(bind=connection, autoflush=False, expire_on_commit=False,
                      join_transaction_mode="rollback_only")
    reporter = _reporter(session, source=source, locale=config.default_locale, now=now)
    stored = media.save(checked.photo, now=now)
    complaint = file_complaint(connection, reporter=reporter, now=now, prefix=config.ticket_prefix,
                               starting=filing_deadlines(now, config), report=NewComplaint(
        name=checked.name, address=checked.address, latitude=checked.latitude, longitude=checked.longitude,
        location_source="open311" if checked.latitude is not None else None, description=checked.description,
        category=checked.category, privacy=checked.privacy, photos=[stored]))
    alert_desk(session, complaint=complaint, config=config, media=media, now=now)
    session.flush()
    session.close()
    return complaint


def _reporter(session: Session, *, source: str, locale: str, now: datetime) -> Reporter:
    # One reporter per calling system. It cannot be messaged (nothing sends over Open311), so it is
    # marked unreachable: the dispatcher cancels its status messages instead of failing them.
    reporter = get_reporter(session, channel=CHANNEL, external_id=source)
    if reporter is None:
        reporter = Reporter(channel=CHANNEL, external_id=source, chat_id=source, profile_name=None,
                            locale=locale, consent_at=now, unreachable_at=now, created_at=now, updated_at=now)
        session.add(reporter)
        session.flush()
    return reporter
