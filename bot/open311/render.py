"""Open311 GeoReport v2 documents: services, service definitions, requests and errors, as JSON or XML."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any
from xml.sax.saxutils import escape

from aiohttp import web

from handlers import categories
from handlers.i18n import _
from handlers.publication import iso, open311_status, photo_link, public_view
from storage.public_reports import PublicReport

Document = list[dict[str, Any]]
XML_TYPE = "text/xml"
# Each service's group, in words, by category.
GROUPS = {
    "environment": "environment", "waste": "environment", "flooding": "environment",
    "roads": "infrastructure", "street_lighting": "infrastructure",
    "population_admin": "social", "social_aid": "social", "health": "social", "public_order": "order",
}


def group_label(group: str) -> str:
    """A service group's name in the current locale."""
    return {"environment": _("Environment"), "infrastructure": _("Infrastructure"),
            "social": _("Social services"), "order": _("Public order")}.get(group, _("Other"))


def service(code: str) -> dict[str, Any]:
    """One category as an Open311 service."""
    return {"service_code": code, "service_name": categories.label(code),
            "description": categories.label(code), "metadata": False, "type": "realtime",
            "keywords": ", ".join(categories.KEYWORDS.get(code, ())),
            "group": group_label(GROUPS.get(code, "other"))}


def service_names() -> dict[str, str]:
    """Each category's name in the current locale (looked up once per response, not once per request)."""
    return {code: categories.label(code) for code in categories.CATEGORIES}


def service_request(report: PublicReport, *, root: str, timezone: str,
                    names: Mapping[str, str] | None = None) -> dict[str, Any]:
    """A published complaint as an Open311 service request (privacy rules applied)."""
    view = public_view(report)
    names = names or service_names()
    status = open311_status(view.status)
    return {
        "service_request_id": view.code,
        "status": status,
        "status_notes": view.status_note,
        "service_name": names.get(view.category) or categories.label(view.category),
        "service_code": view.category,
        "description": view.description,
        "agency_responsible": view.agency_name,
        "service_notice": None,
        "requested_datetime": iso(view.created_at, timezone),
        "updated_datetime": iso(view.updated_at, timezone),
        "expected_datetime": iso(view.deadline_at, timezone) if status == "open" else None,
        "address": view.address,
        "address_id": None,
        "zipcode": None,
        "lat": view.latitude,
        "long": view.longitude,
        "media_url": photo_link(root, view.code) if view.photo_path else None,
    }


def _xml_value(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return escape(str(value))


def _xml(root: str, item: str | None, rows: Sequence[Mapping[str, Any]]) -> bytes:
    # Built as text: ElementTree took five times as long for a thousand requests.
    parts = ['<?xml version="1.0" encoding="utf-8"?>\n<', root, ">"]
    for row in rows:
        if item is not None:  # a service definition is one element, not a list
            parts += ["<", item, ">"]
        for key, value in row.items():
            if isinstance(value, list):
                parts += ["<", key, ">"]
                for entry in value:
                    parts.append("<attribute>")
                    parts += [f"<{name}>{_xml_value(part)}</{name}>" for name, part in entry.items()]
                    parts.append("</attribute>")
                parts += ["</", key, ">"]
            else:
                parts.append(f"<{key}>{_xml_value(value)}</{key}>")
        if item is not None:
            parts += ["</", item, ">"]
    parts += ["</", root, ">"]
    return "".join(parts).encode()


# The XML root and item element of each kind of document, as the spec names them.
XML_NAMES = {
    "services": ("services", "service"),
    "definition": ("service_definition", None),
    "requests": ("service_requests", "request"),
    "errors": ("errors", "error"),
}


def respond(kind: str, fmt: str, rows: Document, *, status: int = 200,
            headers: Mapping[str, str] | None = None) -> web.Response:
    """The document in the asked format (`json` or `xml`)."""
    if fmt == "xml":
        root, item = XML_NAMES[kind]
        return web.Response(body=_xml(root, item, rows), status=status, content_type=XML_TYPE,
                            charset="utf-8",
                            headers=headers)
    payload: Any = rows[0] if kind == "definition" else rows
    # ASCII with \u escapes: the same JSON, encoded in half the time of a thousand requests.
    return web.Response(text=json.dumps(payload), status=status,
                        content_type="application/json", headers=headers)


def errors(fmt: str, status: int, descriptions: Sequence[str],
           headers: Mapping[str, str] | None = None) -> web.Response:
    """Open311's error list: one entry per problem, each with the HTTP code."""
    rows = [{"code": status, "description": text} for text in descriptions]
    return respond("errors", fmt, rows, status=status, headers=headers)
