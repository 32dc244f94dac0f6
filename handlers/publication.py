"""What the public may see of a published complaint: privacy applied, statuses mapped, links made."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from handlers.i18n import _
from handlers.turn import FlowConfig
from storage.lifecycle import OPEN
from storage.models import Complaint, ComplaintStatus, Privacy
from storage.public_reports import PublicReport

# Three decimals of a degree are about 111 m of latitude (less of longitude): the street, not the house.
ANONYMOUS_DECIMALS = 3


def public_view(report: PublicReport) -> PublicReport:
    """The report as it may be served: an anonymous one loses its address and its exact location."""
    if report.privacy != Privacy.ANONYMOUS:
        return report
    return report._replace(
        address=None,
        latitude=round(report.latitude, ANONYMOUS_DECIMALS) if report.latitude is not None else None,
        longitude=round(report.longitude, ANONYMOUS_DECIMALS) if report.longitude is not None else None)


def open311_status(status: str) -> str:
    """Open311's `open` or `closed` for one of Aduan's statuses."""
    return "open" if status in OPEN else "closed"


def statuses_for(open311: str) -> tuple[str, ...]:
    """Aduan's statuses behind Open311's `open` or `closed`."""
    wanted = open311 == "open"
    return tuple(s.value for s in ComplaintStatus if (s in OPEN) == wanted)


def iso(moment: datetime | None, timezone: str) -> str | None:
    """ISO 8601 with the service's UTC offset, to the second (`2026-12-01T09:30:00+07:00`)."""
    if moment is None:
        return None
    return moment.astimezone(ZoneInfo(timezone)).isoformat(timespec="seconds")


def report_link(base_url: str, code: str) -> str:
    """The public page of a report."""
    return f"{base_url.rstrip('/')}/laporan/{code}"


def photo_link(base_url: str, code: str) -> str:
    """The public URL of a report's first photo."""
    return f"{report_link(base_url, code)}/foto.jpg"


def public_link(complaint: Complaint, config: FlowConfig) -> str | None:
    """The public page of a published complaint, when the service has a public address."""
    if complaint.published_at is None or not config.public_base_url:
        return None
    return report_link(config.public_base_url, complaint.code)


def where_it_will_be_public(complaint: Complaint, config: FlowConfig) -> str:
    """The filing confirmation's last paragraph: the public link to come (none for a confidential report)."""
    if complaint.privacy == Privacy.CONFIDENTIAL or not config.public_base_url:
        return ""
    return "\n\n" + _("Once verified, it will be public (without your name) at {link}").format(
        link=report_link(config.public_base_url, complaint.code))
