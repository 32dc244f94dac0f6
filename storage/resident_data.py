"""Everything Aduan stores about one resident, as plain data: what /dataku and `aduan privacy export` give."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from typing import Any

from sqlmodel import Session, col, func, select

from storage.models import (
    Agency,
    Complaint,
    ComplaintMessage,
    Consent,
    Conversation,
    Photo,
    Reporter,
    StatusChange,
)
from storage.models_desk import ComplaintFollower, SupportingReport

FORMAT_VERSION = 1


def _at(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def resident_data(session: Session, *, reporter_id: int) -> dict[str, Any]:
    """The resident's profile, consents, reports (fields, photo count, history, messages) and any draft."""
    reporter = session.get(Reporter, reporter_id)
    assert reporter is not None
    consents = session.exec(select(Consent).where(Consent.reporter_id == reporter_id)
                            .order_by(col(Consent.id)))
    complaints = list(session.exec(select(Complaint).where(Complaint.reporter_id == reporter_id)
                                   .order_by(col(Complaint.id))))
    conversation = session.exec(select(Conversation).where(Conversation.reporter_id == reporter_id)).first()
    data = (conversation.data or {}) if conversation is not None else {}
    draft = data.get("draft")
    return {
        "format": FORMAT_VERSION,
        "profile": {
            "channel": reporter.channel, "account_id": reporter.external_id, "chat_id": reporter.chat_id,
            "name_as_given": reporter.profile_name, "language": reporter.locale,
            "first_contact": _at(reporter.created_at), "last_message": _at(reporter.last_inbound_at),
            "consent_given_at": _at(reporter.consent_at),
            "notifications_stopped_at": _at(reporter.opted_out_at),
        },
        "consents": [{"at": _at(c.created_at), "notice_version": c.notice_version, "language": c.locale,
                      "accepted": c.accepted} for c in consents],
        "reports": _reports(session, complaints),
        "unfinished_report": None if draft is None else {
            key: value for key, value in draft.items() if key != "photos"} | {
            "photos": len(draft.get("photos") or [])},
        "supporting_reports": supporting_of(session, reporter_id=reporter_id),
        "kept_before_consent": [{"text": m.get("text"), "location": m.get("location"),
                                 "photos": len(m.get("attachments") or [])} for m in data.get("pending", [])],
    }


def supporting_of(session: Session, *, reporter_id: int) -> list[dict[str, Any]]:
    """What the resident added to complaints of others (issue 16), and whether they still follow them."""
    followed = set(session.exec(select(ComplaintFollower.complaint_id)
                                .where(ComplaintFollower.reporter_id == reporter_id)))
    found = []
    for report in session.exec(select(SupportingReport).where(SupportingReport.reporter_id == reporter_id)
                               .order_by(col(SupportingReport.id))):
        target = session.get(Complaint, report.complaint_id)
        found.append({"complaint": target.code if target else "?",
                      "following": report.complaint_id in followed, "at": _at(report.created_at),
                      "name": report.name, "description": report.description,
                      "latitude": report.latitude, "longitude": report.longitude,
                      "photos": len(report.photos or [])})
    return found


def _reports(session: Session, complaints: list[Complaint]) -> list[dict[str, Any]]:
    ids = [c.id for c in complaints]
    photos: dict[int, int] = dict(session.exec(
        select(Photo.complaint_id, func.count()).where(col(Photo.complaint_id).in_(ids))
        .group_by(col(Photo.complaint_id))).all())
    history: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for change in session.exec(select(StatusChange).where(col(StatusChange.complaint_id).in_(ids))
                               .order_by(col(StatusChange.id))):
        # Officers' internal notes are their working notes, not the resident's data: only the step shows.
        history[change.complaint_id].append({
            "at": _at(change.created_at), "from": change.from_status, "to": change.to_status,
            "note": change.note if change.public else None})
    messages: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for message in session.exec(select(ComplaintMessage).where(col(ComplaintMessage.complaint_id).in_(ids))
                                .order_by(col(ComplaintMessage.id))):
        messages[message.complaint_id].append({"at": _at(message.created_at), "text": message.text,
                                               "from": "you" if message.from_reporter else "officer"})
    agencies = {a.id: a.name for a in session.exec(select(Agency))}
    reports = []
    for c in complaints:
        assert c.id is not None
        reports.append({
            "code": c.code, "status": c.status, "privacy": c.privacy, "name": c.name, "address": c.address,
            "latitude": c.latitude, "longitude": c.longitude, "location_source": c.location_source,
            "description": c.description, "category": c.category, "language": c.locale,
            "agency": agencies.get(c.agency_id) if c.agency_id else None, "filed_at": _at(c.created_at),
            "updated_at": _at(c.updated_at), "resolved_at": _at(c.resolved_at), "closed_at": _at(c.closed_at),
            "fixed_confirmed": c.fixed_confirmed, "rating": c.rating, "photos": photos.get(c.id, 0),
            "history": history[c.id], "messages": messages[c.id],
        })
    return reports
