"""What the public pages and the Open311 server share: the database, the settings they need, the photos."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TypeVar

from aiohttp import web
from sqlalchemy.engine import Connection, Engine

from bot.settings import Settings
from bot.wiring import flow_config
from handlers.turn import FlowConfig
from storage.media import MediaStore
from storage.models import utcnow

T = TypeVar("T")


@dataclass(frozen=True)
class Site:
    """The public side of Aduan: read-only pages and the Open311 server over one database."""

    engine: Engine
    config: FlowConfig
    media: MediaStore
    base_url: str | None = None
    requests_per_minute: int = 120
    posts_per_minute: int = 30
    # How long the same Open311 list request is answered with the same body (they are cacheable for 60 s).
    list_cache_seconds: float = 15.0
    # The map's tile server (the browser fetches the tiles); empty shows the pin without a map.
    map_tiles: str = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
    # Hosts a filed request's media_url may point at although they are internal (OPEN311_MEDIA_HOSTS).
    media_hosts: tuple[str, ...] = ()
    media_fetch_seconds: float = 10.0
    clock: Callable[[], datetime] = utcnow  # what time it is (the statistics' periods follow it)
    # How long the statistics page's figures are used again (a burst of readers costs one reading).
    statistics_seconds: float = 5.0

    def root(self, request: web.Request) -> str:
        """The public root URL: PUBLIC_BASE_URL, or the address the request came to."""
        return self.base_url or f"{request.scheme}://{request.host}"

    @staticmethod
    def client(request: web.Request) -> str:
        """The client's address: behind a reverse proxy on this machine, the one it saw (X-Forwarded-For)."""
        remote = request.remote or "-"
        forwarded = request.headers.get("X-Forwarded-For")
        if forwarded and (remote.startswith("127.") or remote == "::1"):
            return forwarded.rsplit(",", 1)[-1].strip() or remote
        return remote

    async def read(self, query: Callable[[Connection], T]) -> T:
        """Run a read in a worker thread, so a slow query never holds the event loop."""
        def run() -> T:
            with self.engine.connect() as connection:
                return query(connection)
        return await asyncio.to_thread(run)

    async def write(self, change: Callable[[Connection], T]) -> T:
        """Run a change in one transaction, in a worker thread."""
        def run() -> T:
            with self.engine.begin() as connection:
                return change(connection)
        return await asyncio.to_thread(run)


def build_site(settings: Settings, engine: Engine) -> Site:
    """The public side as the settings describe it."""
    return Site(engine=engine, config=flow_config(settings), media=MediaStore(settings.media_dir),
                base_url=settings.public_base_url, requests_per_minute=settings.open311_requests_per_minute,
                posts_per_minute=settings.open311_posts_per_minute, map_tiles=settings.map_tile_url,
                media_hosts=settings.open311_media_hosts)
