"""Server-rendered public pages: the Jinja2 templates, the reader's language, cacheable responses."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import jinja2
from aiohttp import web

from handlers import categories
from handlers.i18n import LOCALES, _, current_locale, ngettext, pick_locale, use_locale
from handlers.prompts import status_label, when

TEMPLATES = Path(__file__).with_name("templates")
STATIC = Path(__file__).with_name("static")
CACHE_SECONDS = 60


def page_locale(request: web.Request, default: str) -> str:
    """`?lang=` when it names a language we have, else the best of Accept-Language, else `default`."""
    asked = request.query.get("lang", "").strip().lower()
    if asked in LOCALES:
        return asked
    ranked: list[tuple[float, int, str]] = []
    for position, item in enumerate(request.headers.get("Accept-Language", "").split(",")):
        tag, _sep, params = item.strip().partition(";")
        weight = 1.0
        if params.strip().startswith("q="):
            try:
                weight = float(params.strip()[2:])
            except ValueError:
                weight = 0.0
        if tag and weight > 0:
            ranked.append((-weight, position, tag))
    for _weight, _position, tag in sorted(ranked):
        locale = pick_locale(tag, "")
        if locale:
            return locale
    return default


@cache
def environment() -> jinja2.Environment:
    """The template environment; `_` translates into the locale of the page being rendered."""
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATES), autoescape=True,
                             trim_blocks=True, lstrip_blocks=True, undefined=jinja2.StrictUndefined)
    env.globals.update(_=_, ngettext=ngettext, status_label=status_label, category_label=categories.label)
    return env


def render(request: web.Request, template: str, *, locale: str, timezone: str, status: int = 200,
           **context: Any) -> web.Response:
    """The page in `locale`, cacheable by browsers and proxies for a minute."""
    with use_locale(locale):
        html = environment().get_template(template).render(
            lang=current_locale(), path=request.path, switch=_switch_links(request),
            date=lambda moment: _date(moment, timezone), **context)
    headers = {"Cache-Control": f"public, max-age={CACHE_SECONDS}", "Vary": "Accept-Language",
               "Content-Language": locale}
    return web.Response(text=html, status=status, content_type="text/html", charset="utf-8", headers=headers)


def _date(moment: datetime | None, timezone: str) -> str:
    return when(moment, timezone) if moment is not None else "-"


def _switch_links(request: web.Request) -> Mapping[str, str]:
    """The same page in each language, filters kept."""
    links = {}
    for locale in LOCALES:
        query = {key: value for key, value in request.query.items() if key != "lang"}
        query["lang"] = locale
        links[locale] = f"{request.path}?{urlencode(query)}"
    return links


def query_link(request: web.Request, **changes: str | int | None) -> str:
    """This page's link with some query parameters changed (None drops one)."""
    query: dict[str, str] = dict(request.query.items())
    for key, value in changes.items():
        if value is None:
            query.pop(key, None)
        else:
            query[key] = str(value)
    return f"{request.path}?{urlencode(query)}" if query else request.path
