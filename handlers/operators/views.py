"""How complaints look to operators: who may see which, and what they are shown."""

from __future__ import annotations

from sqlmodel import Session

from handlers import categories
from handlers.i18n import _
from handlers.operators import extras
from handlers.prompts import privacy_label, status_label, when
from handlers.turn import Turn
from storage.additions import messages_of
from storage.codes import normalize
from storage.complaints import find_complaint, history_of
from storage.models import Agency, Complaint, Operator, OperatorRole, Privacy, Reporter


def is_admin(operator: Operator) -> bool:
    """Whether the operator works at the admin desk."""
    return operator.role == OperatorRole.ADMIN


def may_see(operator: Operator, complaint: Complaint) -> bool:
    """The admin desk sees every complaint; an agency only those forwarded to it."""
    forwarded_here = complaint.agency_id is not None and complaint.agency_id == operator.agency_id
    return is_admin(operator) or forwarded_here


def lookup(turn: Turn, operator: Operator, text: str) -> Complaint | str:
    """The complaint an operator named, or why it cannot be had (same answer whether unknown or hidden)."""
    code = normalize(text, turn.config.ticket_prefix) if text else None
    complaint = find_complaint(turn.session, code=code) if code else None
    if complaint is None or not may_see(operator, complaint):
        return _("No complaint {code} in your queue.").format(code=code or text or "?")
    return complaint


def map_link(latitude: float, longitude: float) -> str:
    """A link that opens the pin on a map."""
    return f"https://www.openstreetmap.org/?mlat={latitude:.6f}&mlon={longitude:.6f}#map=18/{latitude:.6f}/{longitude:.6f}"


def hidden_from(operator: Operator, complaint: Complaint) -> set[str]:
    """The kinds of personal data an operator is not shown (the reporter's identity on anonymous reports)."""
    anonymous = complaint.privacy == Privacy.ANONYMOUS and not is_admin(operator)
    hidden = {"name", "contact"} if anonymous else set()
    if complaint.erased_at is not None:
        hidden |= {"name", "contact", "address", "photos"}
    return hidden


def reporter_line(session: Session, operator: Operator, complaint: Complaint) -> str:
    """Who reported, hidden from agencies when the report is anonymous; the tombstone once erased."""
    if complaint.erased_at is not None:
        return _("Reporter: erased their personal data on {date} (UU PDP); they cannot be contacted").format(
            date=complaint.erased_at.date().isoformat())
    if complaint.privacy == Privacy.ANONYMOUS and not is_admin(operator):
        return _("Reporter: anonymous")
    reporter = session.get(Reporter, complaint.reporter_id)
    return _("Reporter: {name} ({contact})").format(name=complaint.name,
                                                   contact=contact(reporter) if reporter else "-")


def contact(reporter: Reporter) -> str:
    """How to reach a reporter, said once: “WhatsApp +62…”, “Telegram id 123”."""
    if reporter.channel == "whatsapp":
        return f"WhatsApp {reporter.external_id}"
    if reporter.channel == "telegram":
        return _("Telegram id {id}").format(id=reporter.external_id)
    return f"{reporter.channel} {reporter.external_id}"


def actor_label(session: Session, actor: str) -> str:
    """Who made a change, in words: “reporter”, “Desk · Budi”, “DLH · Sari”, “system”."""
    kind, _sep, number = actor.partition(":")
    if kind == "reporter":
        return _("reporter")
    if kind == "operator" and number.isdigit():
        operator = session.get(Operator, int(number))
        if operator is None:
            return _("operator")
        agency = session.get(Agency, operator.agency_id) if operator.agency_id else None
        unit = agency.code if agency else _("Desk")
        return f"{unit} · {operator.name}"
    return _("system") if kind == "system" else actor


def details(turn: Turn, operator: Operator, complaint: Complaint) -> str:
    """Every field of a complaint and its full history, as an operator reads it."""
    assert complaint.id is not None
    tz = turn.config.timezone
    agency = turn.session.get(Agency, complaint.agency_id) if complaint.agency_id else None
    lines = [
        f"📄 {complaint.code} · {status_label(complaint.status)}",
        reporter_line(turn.session, operator, complaint),
        _("Category: {category}").format(category=categories.label(complaint.category)),
        _("Privacy: {value}").format(value=privacy_label(complaint.privacy)),
        _("Agency: {agency}").format(agency=f"{agency.code} {agency.name}" if agency else "-"),
        _("Filed: {date}").format(date=when(complaint.created_at, tz)),
        _("Address: {value}").format(value=complaint.address or "-"),
        *extras.facts(turn, complaint),
    ]
    if complaint.latitude is not None and complaint.longitude is not None:
        lines.append(_("Map: {link}").format(link=map_link(complaint.latitude, complaint.longitude)))
    lines += [_("Description: {value}").format(value=complaint.description), "", _("History:")]
    history = extras.notes(turn, complaint)
    for change in history_of(turn.session, complaint_id=complaint.id):
        line = (f"• {when(change.created_at, tz)}: {status_label(change.to_status)} "
                f"({actor_label(turn.session, change.actor)})")
        if change.note:
            shown = "" if change.public else _(" [internal]")
            line += f"\n  {change.note}{shown}"
        history.append((change.created_at, line))
    lines += [text for _at, text in sorted(history, key=lambda entry: entry[0])]
    messages = messages_of(turn.session, complaint_id=complaint.id)
    if messages:
        lines += ["", _("Messages:")]
    for message in messages:
        who = (_("reporter") if message.from_reporter
               else actor_label(turn.session, f"operator:{message.operator_id}"))
        lines.append(f"• {when(message.created_at, tz)} ({who}): {message.text}")
    lines += extras.nearby(turn, operator, complaint)
    return "\n".join(lines)
