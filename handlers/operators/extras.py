"""What /lihat adds for the shared desk: area, holder, residents reporting it, supporting reports, notes."""

from __future__ import annotations

from datetime import datetime, timedelta

from handlers.before_summary import line as nearby_line
from handlers.i18n import _
from handlers.messages import Reply
from handlers.prompts import area_lines, when
from handlers.turn import Turn
from storage.duplicates import nearby_open
from storage.followers import supporting_reports
from storage.models import Complaint, Operator, OperatorRole, Privacy
from storage.notes import notes_of


def facts(turn: Turn, complaint: Complaint) -> list[str]:
    """The area, the outside flag, how many residents reported it, and who holds it."""
    lines = area_lines(complaint.kelurahan, complaint.kecamatan, complaint.outside_area)
    if complaint.reporters_count > 1:
        lines.append(_("👥 Reported by {n} residents").format(n=complaint.reporters_count))
    holder = turn.session.get(Operator, complaint.holder_id) if complaint.holder_id else None
    lines.append(_("Held by: {name}").format(name=holder.name if holder else "-"))
    return lines


def notes(turn: Turn, complaint: Complaint) -> list[tuple[datetime, str]]:
    """The internal notes as history entries (time, text)."""
    assert complaint.id is not None
    names: dict[int, str] = {}
    entries = []
    for note in notes_of(turn.session, complaint_id=complaint.id):
        if note.operator_id not in names:
            author = turn.session.get(Operator, note.operator_id)
            names[note.operator_id] = author.name if author else "?"
        entries.append((note.created_at, f"• {when(note.created_at, turn.config.timezone)}: "
                        + _("🗒 note by {name}").format(name=names[note.operator_id])
                        + _(" [internal]") + f"\n  {note.text}"))
    return entries


def supporting(turn: Turn, operator: Operator, complaint: Complaint) -> tuple[list[str], list[Reply]]:
    """The supporting reports of followers (names for the admin desk only) and their photos."""
    assert complaint.id is not None
    reports = supporting_reports(turn.session, complaint_id=complaint.id)
    if not reports:
        return [], []
    lines = ["", _("Supporting reports:")]
    photos: list[Reply] = []
    for number, report in enumerate(reports, 1):
        who = (report.name or "-") if operator.role == OperatorRole.ADMIN else _("a resident")
        origin = f" ({report.source_code})" if report.source_code else ""
        lines.append(f"{number}. {when(report.created_at, turn.config.timezone)} · {who}{origin}\n"
                     f"   {report.description}")
        photos += [Reply(f"{complaint.code} · " + _("supporting report {n}").format(n=number),
                         photo_path=str(turn.media.full_path(p["path"]))) for p in report.photos]
    return lines, photos


def nearby(turn: Turn, operator: Operator, complaint: Complaint) -> list[str]:
    """Open complaints of the same category nearby that this operator may see: maybe the same problem."""
    if complaint.latitude is None or complaint.longitude is None:
        return []
    admin = operator.role == OperatorRole.ADMIN
    found = nearby_open(turn.session, category=complaint.category, latitude=complaint.latitude,
                        longitude=complaint.longitude, radius_m=turn.config.duplicate_radius_m,
                        since=turn.now - timedelta(days=turn.config.duplicate_days), shareable_only=False,
                        agency_id=None if admin else (operator.agency_id or -1), exclude_id=complaint.id)
    if not found:
        return []
    lines = ["", _("Possibly the same problem (merge with /arsip {code} duplikat OTHER):").format(
        code=complaint.code)]
    for item in found:
        secret = " 🔒" if item.complaint.privacy == Privacy.CONFIDENTIAL else ""
        lines.append(f"• {nearby_line(turn.session, item)}{secret}")
    return lines
