"""GET /metrics in Prometheus' text format, kept off the public internet (bearer token or loopback only)."""

from __future__ import annotations

import hmac
import logging

from aiohttp import web
from prometheus_client import REGISTRY, CollectorRegistry, generate_latest
from prometheus_client.exposition import CONTENT_TYPE_LATEST
from sqlalchemy.engine import Engine

from bot.common.addresses import is_loopback
from bot.http_server import Routes
from scheduler.metrics import DatabaseCollector
from storage.models import utcnow

log = logging.getLogger(__name__)


def metrics_routes(engine: Engine, *, token: str | None, bound_to: str) -> Routes:
    """The metrics route: with a token, only for `Authorization: Bearer <token>`; else only on loopback."""
    database = CollectorRegistry()  # read at each scrape only
    database.register(DatabaseCollector(engine, utcnow))
    expected = f"Bearer {token}".encode() if token else None
    if expected is None and not is_loopback(bound_to):
        log.warning("GET /metrics is off: the server listens beyond loopback and METRICS_TOKEN is not set")

    async def metrics(request: web.Request) -> web.Response:
        if expected is not None:
            if not hmac.compare_digest(request.headers.get("Authorization", "").encode(), expected):
                return web.Response(status=401, text="unauthorized",
                                    headers={"WWW-Authenticate": 'Bearer realm="metrics"'})
        elif not (is_loopback(bound_to) and is_loopback(request.remote or "")):
            return web.Response(status=404, text="not found")
        body = generate_latest(REGISTRY) + generate_latest(database)
        return web.Response(body=body, headers={"Content-Type": CONTENT_TYPE_LATEST})

    def add(app: web.Application) -> None:
        app.router.add_get("/metrics", metrics)

    return add
