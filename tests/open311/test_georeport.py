"""GET /open311/v2/: services and service requests checked against GeoReport v2's field list and types,
in JSON and XML, with public, anonymous, confidential and unverified complaints in one database."""

from __future__ import annotations

import json
import re
from collections.abc import AsyncIterator, Callable, Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from xml.etree import ElementTree as ET

import aiohttp
import pytest
from public_helpers import (
    ANONYMOUS_ADDRESS,
    CONFIDENTIAL_TEXT,
    NOW,
    PRIVATE_NOTE,
    SECRET_CHATS,
    SECRET_NAMES,
    UNVERIFIED_TEXT,
    Seeded,
    get,
    seed,
    serving,
    site,
)
from sqlalchemy.engine import Engine

from handlers.categories import CATEGORIES
from scheduler_helpers import postgres_database
from storage.db import make_engine, upgrade
from storage.media import MediaStore

ISO = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d$")
Check = Callable[[Any], bool]


def text(value: Any) -> bool:
    return isinstance(value, str) and value != ""


def optional(check: Check) -> Check:
    return lambda value: value is None or check(value)


def iso(value: Any) -> bool:
    return isinstance(value, str) and bool(ISO.match(value))


def number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


# GeoReport v2, GET Service List and GET Service Request(s): every field and its type.
SERVICE_FIELDS: dict[str, Check] = {
    "service_code": text, "service_name": text, "description": optional(text),
    "metadata": lambda v: isinstance(v, bool), "type": lambda v: v in {"realtime", "batch", "blackbox"},
    "keywords": optional(lambda v: isinstance(v, str)), "group": optional(text),
}
REQUEST_FIELDS: dict[str, Check] = {
    "service_request_id": text, "status": lambda v: v in {"open", "closed"}, "status_notes": optional(text),
    "service_name": text, "service_code": lambda v: v in CATEGORIES, "description": optional(text),
    "agency_responsible": optional(text), "service_notice": optional(text), "requested_datetime": iso,
    "updated_datetime": optional(iso), "expected_datetime": optional(iso), "address": optional(text),
    "address_id": optional(text), "zipcode": optional(text), "lat": optional(number),
    "long": optional(number), "media_url": optional(lambda v: text(v) and v.startswith("https://")),
}
ERROR_FIELDS: dict[str, Check] = {"code": lambda v: isinstance(v, int) and v >= 400, "description": text}


def valid(rows: Any, fields: dict[str, Check]) -> list[dict[str, Any]]:
    assert isinstance(rows, list)
    for row in rows:
        assert set(row) == set(fields), set(row) ^ set(fields)
        for name, check in fields.items():
            assert check(row[name]), (name, row[name])
    return rows


def from_xml(body: str, root: str, item: str, fields: dict[str, Check]) -> list[dict[str, Any]]:
    """The XML document read back into JSON's types, by the field list's types."""
    top = ET.fromstring(body.encode())
    assert top.tag == root
    rows = []
    for element in top:
        assert element.tag == item
        row: dict[str, Any] = {}
        for child in element:
            value: Any = child.text
            if child.tag in {"lat", "long"} and value:
                value = float(value)
            elif child.tag == "code":
                value = int(value or 0)
            elif child.tag == "metadata":
                value = value == "true"
            row[child.tag] = value if value != "" else None
        rows.append(row)
    return valid(rows, fields)


@pytest.fixture(params=["sqlite", "postgresql"])
def store(request: pytest.FixtureRequest, engine: Engine) -> Iterator[Engine]:
    if request.param == "sqlite":
        yield engine
        return
    for url in postgres_database():
        pg = make_engine(url)
        upgrade(pg)
        yield pg
        pg.dispose()


@pytest.fixture
async def server(store: Engine, tmp_path: Path) -> AsyncIterator[tuple[str, Seeded]]:
    seeded = seed(store, MediaStore(tmp_path / "media"))
    async with serving(site(store, tmp_path / "media")) as root:
        yield root + "/open311/v2", seeded


async def fetch(url: str, fmt: str, kind: str) -> tuple[int, list[dict[str, Any]]]:
    root, item, fields = {"services": ("services", "service", SERVICE_FIELDS),
                          "requests": ("service_requests", "request", REQUEST_FIELDS),
                          "errors": ("errors", "error", ERROR_FIELDS)}[kind]
    async with aiohttp.ClientSession() as http:
        status, content_type, body = await get(http, url)
    if fmt == "json":
        assert content_type == "application/json"
        return status, valid(json.loads(body), fields)
    assert content_type == "text/xml"
    return status, from_xml(body, root, item, fields)


@pytest.mark.parametrize("fmt", ["json", "xml"])
async def test_services_list_every_category(server: tuple[str, Seeded], fmt: str) -> None:
    url, _seeded = server
    status, services = await fetch(f"{url}/services.{fmt}", fmt, "services")
    assert status == 200
    assert [s["service_code"] for s in services] == list(CATEGORIES)
    waste = next(s for s in services if s["service_code"] == "waste")
    assert waste["type"] == "realtime" and "sampah" in waste["keywords"] and waste["metadata"] is False
    _status, english = await fetch(f"{url}/services.{fmt}?locale=en", fmt, "services")
    _status, indonesian = await fetch(f"{url}/services.{fmt}?locale=id", fmt, "services")
    assert next(s for s in english if s["service_code"] == "waste")["service_name"] == "Waste"
    assert next(s for s in indonesian if s["service_code"] == "waste")["service_name"] == "Sampah"


async def test_a_service_definition_and_an_unknown_service(server: tuple[str, Seeded]) -> None:
    url, _seeded = server
    async with aiohttp.ClientSession() as http:
        status, _type, body = await get(http, f"{url}/services/roads.json")
        assert status == 200 and json.loads(body) == {"service_code": "roads", "attributes": []}
        status, _type, body = await get(http, f"{url}/services/roads.xml")
        definition = ET.fromstring(body.encode())
        assert definition.tag == "service_definition" and definition.findtext("service_code") == "roads"
    for fmt in ("json", "xml"):
        status, [error] = await fetch(f"{url}/services/nope.{fmt}", fmt, "errors")
        assert status == 404 and error["code"] == 404


@pytest.mark.parametrize("fmt", ["json", "xml"])
async def test_only_verified_non_confidential_requests_are_served(server: tuple[str, Seeded],
                                                                  fmt: str) -> None:
    url, seeded = server
    status, requests = await fetch(f"{url}/requests.{fmt}", fmt, "requests")
    assert status == 200
    by_id = {r["service_request_id"]: r for r in requests}
    assert set(by_id) == {seeded.public, seeded.anonymous, seeded.resolved}
    public, anonymous, resolved = by_id[seeded.public], by_id[seeded.anonymous], by_id[seeded.resolved]
    assert public["status"] == "open" and resolved["status"] == "closed"
    assert public["status_notes"] == "Petugas dijadwalkan besok"  # the last PUBLIC note
    assert public["agency_responsible"] == "Dinas Lingkungan Hidup"
    assert (public["lat"], public["long"]) == (-6.3123456, 106.7654321)
    assert public["address"] == "Jl. Merdeka 1, RT 02/RW 03, Kel. Ciputat"
    assert public["media_url"] == f"https://aduan.example.go.id/laporan/{seeded.public}/foto.jpg"
    assert public["requested_datetime"].endswith("+07:00")
    assert anonymous["expected_datetime"] is not None  # verified: the agency's follow-up deadline
    assert resolved["expected_datetime"] is None and resolved["status_notes"] == "Saluran sudah dibersihkan"
    # Anonymous: no address, the location rounded to about 100 m.
    assert anonymous["address"] is None and (anonymous["lat"], anonymous["long"]) == (-6.346, 106.712)


@pytest.mark.parametrize("fmt", ["json", "xml"])
async def test_no_personal_data_in_any_request(server: tuple[str, Seeded], fmt: str) -> None:
    url, seeded = server
    codes = ",".join([seeded.public, seeded.anonymous, seeded.confidential, seeded.unverified,
                      seeded.resolved])
    async with aiohttp.ClientSession() as http:
        bodies = [(await get(http, f"{url}/requests.{fmt}?service_request_id={codes}"))[2]]
        for code in (seeded.public, seeded.anonymous, seeded.confidential, seeded.unverified):
            bodies.append((await get(http, f"{url}/requests/{code}.{fmt}"))[2])
    everything = "\n".join(bodies)
    for secret in (*SECRET_NAMES, *SECRET_CHATS, PRIVATE_NOTE, CONFIDENTIAL_TEXT, UNVERIFIED_TEXT,
                   ANONYMOUS_ADDRESS, "-6.3456789", "106.7123456"):
        assert secret not in everything, secret


@pytest.mark.parametrize("fmt", ["json", "xml"])
async def test_one_request_and_the_ones_never_served(server: tuple[str, Seeded], fmt: str) -> None:
    url, seeded = server
    status, [one] = await fetch(f"{url}/requests/{seeded.public}.{fmt}", fmt, "requests")
    assert status == 200 and one["service_request_id"] == seeded.public
    status, [lower] = await fetch(f"{url}/requests/{seeded.public.lower()}.{fmt}", fmt, "requests")
    assert lower["service_request_id"] == seeded.public
    for code in (seeded.confidential, seeded.unverified, "ADU-ZZZZZZ", "nonsense"):
        status, [error] = await fetch(f"{url}/requests/{code}.{fmt}", fmt, "errors")
        assert status == 404 and error["code"] == 404


async def test_filters_service_code_status_dates_and_ids(server: tuple[str, Seeded]) -> None:
    url, seeded = server

    async def ids(query: str) -> set[str]:
        status, rows = await fetch(f"{url}/requests.json?{query}", "json", "requests")
        assert status == 200
        return {r["service_request_id"] for r in rows}

    assert await ids("service_code=waste") == {seeded.public}
    assert await ids("service_code=waste,roads") == {seeded.public, seeded.anonymous}
    assert await ids("status=closed") == {seeded.resolved}
    assert await ids("status=open") == {seeded.public, seeded.anonymous}
    start = (NOW - timedelta(days=4, hours=1)).astimezone().isoformat()
    assert await ids(f"start_date={start}") == {seeded.anonymous}  # its '+' arrives as a space: still read
    end = (NOW - timedelta(days=4, hours=1)).isoformat().replace("+00:00", "Z")
    assert await ids(f"end_date={end}") == {seeded.public, seeded.resolved}
    both = f"start_date={(NOW - timedelta(days=30)).isoformat()}&end_date={NOW.isoformat()}"
    assert await ids(both.replace("+", "%2B")) == {seeded.public, seeded.anonymous, seeded.resolved}
    assert await ids(f"service_request_id={seeded.resolved},{seeded.confidential}&status=open") == {
        seeded.resolved}  # ids override every other argument
    assert len(await ids("limit=1")) == 1
    assert await ids(f"start_date={(NOW + timedelta(days=1)).isoformat().replace('+', '%2B')}") == set()


@pytest.mark.parametrize("fmt", ["json", "xml"])
@pytest.mark.parametrize("query", [
    "start_date=2026-01-01T00:00:00Z&end_date=2026-04-02T00:00:00Z",  # 91 days
    "start_date=yesterday", "end_date=2026-13-01", "status=pending", "limit=0", "limit=1001",
    "start_date=2026-03-01T00:00:00Z&end_date=2026-02-01T00:00:00Z",
])
async def test_bad_parameters_get_400_with_an_error_list(server: tuple[str, Seeded], fmt: str,
                                                          query: str) -> None:
    url, _seeded = server
    status, [error] = await fetch(f"{url}/requests.{fmt}?{query}", fmt, "errors")
    assert status == 400 and error["code"] == 400
    assert query.split("=")[0] in error["description"] or "date" in error["description"]


async def test_unknown_resources_are_404_in_the_asked_format(server: tuple[str, Seeded]) -> None:
    url, _seeded = server
    status, [error] = await fetch(f"{url}/discovery.xml", "xml", "errors")
    assert status == 404
    status, [error] = await fetch(f"{url}/requests.csv", "json", "errors")
    assert status == 404 and "requests.csv" in error["description"]


async def test_reads_are_limited_per_address(engine: Engine, tmp_path: Path) -> None:
    seed(engine, MediaStore(tmp_path / "media"))
    async with serving(site(engine, tmp_path / "media", requests_per_minute=3)) as root, \
            aiohttp.ClientSession() as http:
        statuses = [(await get(http, f"{root}/open311/v2/services.json"))[0] for _ in range(4)]
        async with http.get(f"{root}/open311/v2/requests.xml") as limited:
            assert limited.status == 429 and int(limited.headers["Retry-After"]) >= 1
            assert ET.fromstring(await limited.read()).findtext("error/code") == "429"
    assert statuses == [200, 200, 200, 429]


async def test_behind_a_local_proxy_each_forwarded_client_has_its_own_limit(engine: Engine,
                                                                           tmp_path: Path) -> None:
    async with serving(site(engine, tmp_path / "media", requests_per_minute=2)) as root, \
            aiohttp.ClientSession() as http:
        url = f"{root}/open311/v2/services.json"
        first = [(await get(http, url, **{"X-Forwarded-For": "203.0.113.7"}))[0] for _ in range(3)]
        chain = {"X-Forwarded-For": "10.1.1.1, 198.51.100.9"}
        second = [(await get(http, url, **chain))[0] for _ in range(2)]
    assert first == [200, 200, 429] and second == [200, 200]


def test_dates_carry_the_service_offset() -> None:
    from handlers.publication import iso as render

    assert render(datetime(2026, 12, 1, 2, 30, 15, 123, tzinfo=NOW.tzinfo), "Asia/Jakarta") == (
        "2026-12-01T09:30:15+07:00")
    assert render(datetime(2026, 12, 1, 2, 30, tzinfo=NOW.tzinfo), "Asia/Jayapura").endswith("+09:00")
