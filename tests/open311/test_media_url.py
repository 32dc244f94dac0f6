"""A filed request's media_url: fetched from public addresses only (or hosts on OPEN311_MEDIA_HOSTS), an
image within the size and time limits, every refusal an Open311 error naming media_url."""

from __future__ import annotations

import asyncio
import ipaddress
from collections import Counter
from collections.abc import AsyncIterator
from contextlib import AbstractAsyncContextManager
from pathlib import Path

import pytest
from aiohttp import web
from open311_helpers import FIELDS, post
from public_helpers import jpeg, serving, site
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from bot.open311.media_fetch import MediaPolicy
from handlers.turn import FlowConfig
from storage.models import Complaint, Photo

LIMIT = 200_000  # the photo size limit in these tests


@pytest.fixture
async def photos() -> AsyncIterator[tuple[int, Counter[str]]]:
    """A photo server on 127.0.0.1: its port, and how often each path was asked for."""
    hits: Counter[str] = Counter()

    async def answer(request: web.Request) -> web.StreamResponse:
        path = request.path
        hits[path] += 1
        if path == "/p.jpg":
            return web.Response(body=jpeg("green"), content_type="image/jpeg")
        if path == "/page.html":
            return web.Response(text="<h1>not a photo</h1>", content_type="text/html")
        if path == "/big.jpg":  # streamed without a length: the limit must hold while reading
            response = web.StreamResponse(headers={"Content-Type": "image/jpeg"})
            await response.prepare(request)
            for _chunk in range(LIMIT // 50_000 + 2):
                await response.write(b"\xff" * 50_000)
            return response
        if path == "/slow.jpg":
            await asyncio.sleep(3)
            return web.Response(body=jpeg("green"), content_type="image/jpeg")
        if path == "/hop":
            raise web.HTTPFound("/p.jpg")
        if path == "/out":
            raise web.HTTPFound(f"http://127.0.0.2:{request.url.port}/p.jpg")
        if path == "/loop":
            raise web.HTTPFound("/loop")
        raise web.HTTPNotFound()

    app = web.Application()
    app.router.add_route("GET", "/{tail:.*}", answer)
    runner = web.AppRunner(app)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    try:
        yield runner.addresses[0][1], hits
    finally:
        await runner.cleanup()


def open311(engine: Engine, tmp_path: Path, *hosts: str) -> AbstractAsyncContextManager[str]:
    config = FlowConfig(max_photo_bytes=LIMIT)
    return serving(site(engine, tmp_path / "media", config=config, posts_per_minute=100, media_hosts=hosts,
                        media_fetch_seconds=1.0))


async def file_with(root: str, api_key: str, media_url: str, fmt: str = "json") -> tuple[int, str]:
    """The status of filing with `media_url`, and the error descriptions."""
    status, body = await post(f"{root}/open311/v2/requests.{fmt}?locale=en",
                              {**FIELDS, "api_key": api_key, "media_url": media_url})
    if fmt == "xml":
        return status, " | ".join(e.findtext("description") or "" for e in body.iter("error"))
    return status, " | ".join(row.get("description", "") for row in body if status != 201)


async def test_a_photo_from_an_allowed_host_is_fetched_and_stored(
        api_key: str, engine: Engine, tmp_path: Path, photos: tuple[int, Counter[str]]) -> None:
    port, hits = photos
    async with open311(engine, tmp_path, "127.0.0.1") as root:
        assert await file_with(root, api_key, f"http://127.0.0.1:{port}/p.jpg") == (201, "")
        assert await file_with(root, api_key, f"http://127.0.0.1:{port}/hop") == (201, "")
    assert hits == {"/p.jpg": 2, "/hop": 1}
    with Session(engine) as session:
        assert len(session.exec(select(Complaint)).all()) == 2
        assert len(session.exec(select(Photo)).all()) == 2


@pytest.mark.parametrize("where", ["http://127.0.0.1:{port}/p.jpg", "http://localhost:{port}/p.jpg",
                                   "http://[::1]:{port}/p.jpg", "http://169.254.169.254/latest/meta-data",
                                   "http://10.0.0.7/p.jpg", "http://[::ffff:127.0.0.1]:{port}/p.jpg",
                                   "https://192.168.1.1/p.jpg"])
async def test_an_internal_address_is_refused_without_being_asked(
        api_key: str, engine: Engine, tmp_path: Path, photos: tuple[int, Counter[str]], where: str) -> None:
    port, hits = photos
    async with open311(engine, tmp_path) as root:
        status, text = await file_with(root, api_key, where.format(port=port))
    assert status == 400 and "media_url must point to a public internet address" in text
    assert hits == {}
    with Session(engine) as session:
        assert session.exec(select(Complaint)).all() == []


@pytest.mark.parametrize(("path", "named"), [
    ("/page.html", "media_url is not an image (it is text/html)"),
    ("/big.jpg", "media_url is larger than"),
    ("/slow.jpg", "media_url could not be fetched."),
    ("/missing.jpg", "media_url could not be fetched (HTTP 404)"),
    ("/out", "media_url must point to a public internet address"),
    ("/loop", "media_url redirects too many times"),
])
async def test_what_is_not_a_photo_within_the_limits_is_named(
        api_key: str, engine: Engine, tmp_path: Path, photos: tuple[int, Counter[str]], path: str,
        named: str) -> None:
    port, hits = photos
    async with open311(engine, tmp_path, "127.0.0.1") as root:
        status, text = await file_with(root, api_key, f"http://127.0.0.1:{port}{path}")
    assert status == 400 and named in text
    assert "/p.jpg" not in hits  # a redirect to a refused address is not followed


@pytest.mark.parametrize("where", ["file:///etc/passwd", "ftp://127.0.0.1/p.jpg", "gopher://x/", "p.jpg",
                                   "http://user:secret@127.0.0.1/p.jpg"])
async def test_only_plain_http_urls_are_fetched(api_key: str, engine: Engine, tmp_path: Path,
                                                where: str) -> None:
    async with open311(engine, tmp_path, "127.0.0.1") as root:
        status, text = await file_with(root, api_key, where, fmt="xml")
    assert status == 400 and "media_url must" in text


@pytest.mark.parametrize(("allowed", "host", "address", "ok"), [
    ((), "photos.example.org", "93.184.215.14", True),
    ((), "photos.example.org", "10.1.2.3", False),
    ((), "photos.example.org", "100.64.0.1", False),  # shared address space (carrier NAT)
    ((), "photos.example.org", "224.0.0.1", False),
    (("10.1.0.0/16",), "foto.kota.go.id", "10.1.2.3", True),
    (("10.1.0.0/16",), "foto.kota.go.id", "10.2.0.1", False),
    (("foto.kota.go.id",), "FOTO.kota.go.id.", "10.2.0.1", True),
])
def test_the_allow_list_takes_names_addresses_and_networks(allowed: tuple[str, ...], host: str, address: str,
                                                          ok: bool) -> None:
    assert MediaPolicy(allowed=allowed).allows(host, ipaddress.ip_address(address)) is ok
