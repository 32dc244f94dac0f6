"""The Open311 GeoReport v2 server under /open311/v2/: services, service requests, filing requests."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from aiohttp import web

from bot.common.rate_limit import RateLimit
from bot.http_server import Routes
from bot.open311.lists import request_list
from bot.open311.posting import post_request
from bot.open311.render import XML_TYPE, errors, respond, service, service_request
from bot.public.cache import Responses
from bot.public.site import Site
from handlers import categories
from handlers.i18n import _, current_locale, pick_locale, use_locale
from handlers.publication import statuses_for
from storage.codes import normalize
from storage.public_reports import ReportFilters, published_reports

ROOT = "/open311/v2"
FORMAT = "{fmt:(json|xml)}"
MAX_SPAN = timedelta(days=90)
LIMIT = 1000
CACHE = {"Cache-Control": "public, max-age=60"}
_OFFSET_SPACE = re.compile(r"(T\d\d:\d\d(?::\d\d(?:\.\d+)?)?) (\d\d:?\d\d)$")
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


class BadRequest(Exception):
    """A parameter that cannot be used; the message names it."""


def _fmt(request: web.Request) -> str:
    return request.match_info.get("fmt", "json")


def open311_routes(site: Site) -> Routes:
    """The Open311 routes over `site`, with their per-address (GET) and per-key (POST) rate limits."""
    per_ip = RateLimit(site.requests_per_minute)
    per_key, per_post_ip = RateLimit(site.posts_per_minute), RateLimit(site.posts_per_minute)
    recent = Responses(ttl=site.list_cache_seconds)

    def limited(handler: Handler) -> Handler:
        async def run(request: web.Request) -> web.StreamResponse:
            locale = pick_locale(request.query.get("locale"), site.config.default_locale)
            with use_locale(locale):
                wait = per_ip.check(site.client(request))
                if wait is not None:
                    text = _("Too many requests: try again in {s} seconds.").format(s=int(wait) + 1)
                    return errors(_fmt(request), 429, [text], headers={"Retry-After": str(int(wait) + 1)})
                try:
                    return await handler(request)
                except BadRequest as bad:
                    return errors(_fmt(request), 400, [str(bad)])
        return run

    async def services(request: web.Request) -> web.Response:
        return respond("services", _fmt(request), [service(code) for code in categories.CATEGORIES],
                       headers=CACHE)

    async def definition(request: web.Request) -> web.Response:
        code = request.match_info["code"]
        if code not in categories.CATEGORIES:
            return errors(_fmt(request), 404, [_("No service with code “{code}”.").format(code=code[:40])])
        return respond("definition", _fmt(request), [{"service_code": code, "attributes": []}], headers=CACHE)

    async def requests(request: web.Request) -> web.Response:
        root, tz = site.root(request), site.config.timezone
        key = f"{_fmt(request)} {current_locale()} {root} {request.query_string}"
        if (kept := recent.get(key)) is not None:
            return web.Response(body=kept[0], content_type=kept[1], charset="utf-8", headers=CACHE)
        filters, limit = _filters(request, site)
        reports = await site.read(lambda c: published_reports(c, filters=filters, limit=limit))
        body = request_list(_fmt(request), reports, root=root, timezone=tz)
        content_type = XML_TYPE if _fmt(request) == "xml" else "application/json"
        recent.put(key, body, content_type)
        return web.Response(body=body, content_type=content_type, charset="utf-8", headers=CACHE)

    async def one_request(request: web.Request) -> web.Response:
        code = normalize(request.match_info["code"], site.config.ticket_prefix)
        reports = [] if code is None else await site.read(
            lambda c: published_reports(c, filters=ReportFilters(codes=[code]), limit=1))
        if not reports:
            return errors(_fmt(request), 404, [_("No public service request with id “{id}”.").format(
                id=request.match_info["code"][:40])])
        return respond("requests", _fmt(request),
                       [service_request(reports[0], root=site.root(request), timezone=site.config.timezone)],
                       headers=CACHE)

    async def filing(request: web.Request) -> web.Response:
        return await post_request(request, site, per_key=per_key, per_ip=per_post_ip)

    async def not_found(request: web.Request) -> web.Response:
        fmt = "xml" if request.path.endswith(".xml") else "json"
        return errors(fmt, 404, [_("No such Open311 resource: {path}").format(path=request.path[:100])])

    def add(app: web.Application) -> None:
        app.router.add_get(f"{ROOT}/services.{FORMAT}", limited(services))
        app.router.add_get(f"{ROOT}/services/{{code}}.{FORMAT}", limited(definition))
        app.router.add_get(f"{ROOT}/requests.{FORMAT}", limited(requests))
        app.router.add_post(f"{ROOT}/requests.{FORMAT}", limited(filing))
        app.router.add_get(f"{ROOT}/requests/{{code}}.{FORMAT}", limited(one_request))
        app.router.add_route("*", f"{ROOT}/{{tail:.*}}", limited(not_found))
    return add


def _filters(request: web.Request, site: Site) -> tuple[ReportFilters, int]:
    query = request.query
    limit = _limit(query.get("limit"))
    ids = [part.strip() for part in query.get("service_request_id", "").split(",") if part.strip()]
    if ids:  # the spec: a list of ids overrides every other argument
        codes = [code for code in (normalize(i, site.config.ticket_prefix) for i in ids) if code]
        return ReportFilters(codes=codes or ["-"]), limit
    zone = ZoneInfo(site.config.timezone)
    start = _date(query.get("start_date"), "start_date", zone)
    end = _date(query.get("end_date"), "end_date", zone)
    if start is not None and end is not None:
        if end < start:
            raise BadRequest(_("end_date is before start_date."))
        if end - start > MAX_SPAN:
            raise BadRequest(_("start_date and end_date may be at most 90 days apart."))
    elif start is not None:
        end = start + MAX_SPAN
    elif end is not None:
        start = end - MAX_SPAN
    else:
        end = datetime.now(zone)
        start = end - MAX_SPAN
    statuses: list[str] = []
    for part in query.get("status", "").split(","):
        if part.strip():
            if part.strip() not in {"open", "closed"}:
                raise BadRequest(_("status must be open or closed (or both, comma separated)."))
            statuses.extend(statuses_for(part.strip()))
    service_codes = [part.strip() for part in query.get("service_code", "").split(",") if part.strip()]
    return ReportFilters(categories=service_codes, statuses=statuses, start=start, end=end), limit


def _date(value: str | None, name: str, zone: ZoneInfo) -> datetime | None:
    if not value:
        return None
    try:
        # A '+' sent unencoded in a query string arrives as a space.
        moment = datetime.fromisoformat(_OFFSET_SPACE.sub(r"\1+\2", value.strip()))
    except ValueError:
        raise BadRequest(_("{name} must be an ISO 8601 date and time, like 2026-12-01T09:30:00+07:00.")
                         .format(name=name)) from None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=zone)


def _limit(value: str | None) -> int:
    if not value:
        return LIMIT
    if not value.isdigit() or not 1 <= int(value) <= LIMIT:
        raise BadRequest(_("limit must be a whole number from 1 to {max}.").format(max=LIMIT))
    return int(value)
