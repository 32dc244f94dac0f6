"""Lists of up to a thousand service requests written straight as JSON or XML text: the same bytes that
`service_request` rows through `respond` give, in about a third of the time (no dict per request, no generic
encoder walking them)."""

from __future__ import annotations

from collections.abc import Sequence
from json.encoder import encode_basestring_ascii as _json_text
from xml.sax.saxutils import escape

from bot.open311.render import service_names
from handlers import categories
from handlers.publication import iso, open311_status, photo_link, public_view
from storage.public_reports import PublicReport

_JSON_ROW = (
    '{"service_request_id": %s, "status": "%s", "status_notes": %s, "service_name": %s, "service_code": %s, '
    '"description": %s, "agency_responsible": %s, "service_notice": null, "requested_datetime": %s, '
    '"updated_datetime": %s, "expected_datetime": %s, "address": %s, "address_id": null, "zipcode": null, '
    '"lat": %s, "long": %s, "media_url": %s}')
_XML_ROW = (
    "<request><service_request_id>%s</service_request_id><status>%s</status><status_notes>%s</status_notes>"
    "<service_name>%s</service_name><service_code>%s</service_code><description>%s</description>"
    "<agency_responsible>%s</agency_responsible><service_notice></service_notice>"
    "<requested_datetime>%s</requested_datetime><updated_datetime>%s</updated_datetime>"
    "<expected_datetime>%s</expected_datetime><address>%s</address><address_id></address_id>"
    "<zipcode></zipcode><lat>%s</lat><long>%s</long><media_url>%s</media_url></request>")


def _json(value: str | None) -> str:
    return "null" if value is None else _json_text(value)


def _xml(value: str | None) -> str:
    return "" if value is None else escape(value)


def _number(value: float | None, empty: str) -> str:
    return empty if value is None else repr(value)


def request_list(fmt: str, reports: Sequence[PublicReport], *, root: str, timezone: str) -> bytes:
    """The service requests document of `reports` (privacy rules applied), as JSON or XML."""
    names = service_names()
    text, row, empty = (_xml, _XML_ROW, "") if fmt == "xml" else (_json, _JSON_ROW, "null")
    parts = []
    for report in reports:
        view = public_view(report)
        status = open311_status(view.status)
        expected = iso(view.deadline_at, timezone) if status == "open" else None
        name = names.get(view.category) or categories.label(view.category)
        parts.append(row % (
            text(view.code), status, text(view.status_note), text(name), text(view.category),
            text(view.description), text(view.agency_name), text(iso(view.created_at, timezone)),
            text(iso(view.updated_at, timezone)), text(expected), text(view.address),
            _number(view.latitude, empty), _number(view.longitude, empty),
            text(photo_link(root, view.code) if view.photo_path else None)))
    if fmt == "xml":
        return ('<?xml version="1.0" encoding="utf-8"?>\n<service_requests>' + "".join(parts)
                + "</service_requests>").encode()
    return ("[" + ", ".join(parts) + "]").encode()
