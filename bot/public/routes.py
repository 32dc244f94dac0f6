"""The public pages: /laporan (published reports), /laporan/CODE, its photo, /statistik, static files."""

from __future__ import annotations

from datetime import datetime

from aiohttp import web
from sqlalchemy.engine import Connection
from sqlmodel import Session

from bot.http_server import Routes
from bot.public.cache import Recent, Refreshing
from bot.public.pages import STATIC, page_locale, query_link, render
from bot.public.site import Site
from handlers import categories
from handlers.deadlines import calendar
from handlers.period_figures import PeriodFigures
from handlers.public_stats import figures
from handlers.publication import public_view
from storage.codes import normalize
from storage.models import Agency, ComplaintStatus
from storage.operators import list_agencies
from storage.public_reports import (
    PublicReport,
    ReportFilters,
    published_kelurahan,
    published_photo,
    published_report,
    searched,
)
from storage.public_reports import report_list as report_list_page

PAGE_SIZE = 20
LISTS_SECONDS = 300
# What a published complaint can be in (a received one is not published yet).
LIST_STATUSES = tuple(s.value for s in ComplaintStatus if s != ComplaintStatus.RECEIVED)


def public_routes(site: Site) -> Routes:
    """The public pages over `site`; the agency and kelurahan lists are read again every few minutes."""
    agencies: Refreshing[list[Agency]] = Refreshing(lambda: site.read(_agencies), ttl=LISTS_SECONDS)
    places: Refreshing[list[str]] = Refreshing(lambda: site.read(published_kelurahan), ttl=LISTS_SECONDS)
    tz = site.config.timezone
    days = calendar(site.config)

    def locale(request: web.Request) -> str:
        return page_locale(request, site.config.default_locale)

    async def report_list(request: web.Request) -> web.Response:
        asked = _Asked(request, places=await places.get(), prefix=site.config.ticket_prefix)
        rows = await site.read(lambda c: report_list_page(c, filters=asked.filters, limit=PAGE_SIZE + 1,
                                                          older_than=asked.older, newer_than=asked.newer))
        if asked.newer is not None and len(rows) <= PAGE_SIZE:  # back at the top: the whole first page
            asked.newer = None
            rows = await site.read(lambda c: report_list_page(c, filters=asked.filters, limit=PAGE_SIZE + 1))
        newer, older = _links(request, rows, asked)
        return render(request, "list.html", locale=locale(request), timezone=tz,
                      reports=[public_view(r) for r in _page_of(rows, asked)],
                      categories=categories.CATEGORIES, statuses=LIST_STATUSES, agencies=await agencies.get(),
                      places=await places.get(), chosen=asked.chosen, short=asked.short, newer=newer,
                      older=older)

    async def report_page(request: web.Request) -> web.Response:
        code = normalize(request.match_info["code"], site.config.ticket_prefix)
        found = None if code is None else await site.read(lambda c: published_report(c, code=code))
        if found is None:
            return render(request, "missing.html", locale=locale(request), timezone=tz, status=404,
                          code=request.match_info["code"][:40])
        report, history = found
        return render(request, "report.html", locale=locale(request), timezone=tz,
                      report=public_view(report), history=history, tiles=site.map_tiles)

    async def photo(request: web.Request) -> web.StreamResponse:
        code = normalize(request.match_info["code"], site.config.ticket_prefix)
        path = None if code is None else await site.read(lambda c: published_photo(c, code=code))
        if path is None or not site.media.full_path(path).is_file():
            raise web.HTTPNotFound()
        return web.FileResponse(site.media.full_path(path), headers={
            "Cache-Control": "public, max-age=86400", "Content-Type": "image/jpeg"})

    async def read_figures() -> tuple[dict[str, PeriodFigures], datetime]:
        now = site.clock()
        return await site.read(lambda c: figures(c, now=now, timezone=tz, days=days)), now

    # Added up from the tallies (milliseconds whatever the volume), at most every few seconds.
    stats = Recent(read_figures, ttl=site.statistics_seconds)

    async def statistics(request: web.Request) -> web.Response:
        periods, computed_at = await stats.get()
        return render(request, "stats.html", locale=locale(request), timezone=tz, periods=periods,
                      computed_at=computed_at)

    async def home(_request: web.Request) -> web.Response:
        raise web.HTTPFound("/laporan")

    def add(app: web.Application) -> None:
        app.router.add_get("/", home)
        app.router.add_get("/laporan", report_list)
        app.router.add_get("/laporan/{code}", report_page)
        app.router.add_get("/laporan/{code}/foto.jpg", photo)
        app.router.add_get("/statistik", statistics)
        app.router.add_static("/static", STATIC)

        async def closing(_app: web.Application) -> None:
            await agencies.close()
            await places.close()
        app.on_cleanup.append(closing)
    return add


def _agencies(connection: Connection) -> list[Agency]:
    with Session(bind=connection) as session:
        return list_agencies(session)


class _Asked:
    """What a reader asked the list for: the filters from the query string, and the page's cursor."""

    def __init__(self, request: web.Request, *, places: list[str], prefix: str) -> None:
        query = request.query
        category, status = query.get("kategori", ""), query.get("status", "")
        agency = query.get("instansi", "").strip()
        place = query.get("kelurahan", "").strip()[:100]
        kelurahan = next((name for name in places if name.casefold() == place.casefold()), None)
        # A kelurahan that is not in the list (an old link's text, a typed name) is searched for instead.
        text = query.get("cari", "").strip()[:100] or (place if kelurahan is None else "")
        self.filters = ReportFilters(categories=[category] if category in categories.CATEGORIES else [],
                                     statuses=[status] if status in LIST_STATUSES else [],
                                     agency=agency or None, kelurahan=kelurahan, place=text or None)
        self.short = bool(text) and not searched(self.filters)
        self.chosen = {"kategori": category, "status": status, "instansi": agency.upper(),
                       "kelurahan": kelurahan or "", "cari": text}
        self.older = normalize(query.get("sebelum", ""), prefix)
        self.newer = None if self.older else normalize(query.get("sesudah", ""), prefix)


def _page_of(rows: list[PublicReport], asked: _Asked) -> list[PublicReport]:
    # One more row than a page was read, to know whether there is a page beyond: the oldest one, or the
    # newest one when reading towards the newer reports.
    return rows[-PAGE_SIZE:] if asked.newer is not None else rows[:PAGE_SIZE]


def _links(request: web.Request, rows: list[PublicReport], asked: _Asked) -> tuple[str | None, str | None]:
    """The newer and older pages' links (plain links: paging needs no JavaScript)."""
    shown = _page_of(rows, asked)
    more_newer = len(rows) > PAGE_SIZE if asked.newer is not None else asked.older is not None
    more_older = asked.newer is not None or len(rows) > PAGE_SIZE
    newer = older = None
    if more_newer:
        newer = query_link(request, sesudah=shown[0].code if shown else None, sebelum=None, page=None)
    if more_older and shown:
        older = query_link(request, sebelum=shown[-1].code, sesudah=None, page=None)
    return newer, older
