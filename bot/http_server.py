"""The one HTTP server of `aduan run`: health and readiness, and the routes each part adds.

Channels add their webhooks (WhatsApp, Telegram in webhook mode), and anything else that serves HTTP
(metrics, the public pages, Open311) adds its routes the same way: a `Routes` function given the application.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence

from aiohttp import web
from sqlalchemy import text
from sqlalchemy.engine import Engine

log = logging.getLogger(__name__)

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
# Adds a part's routes (a channel's webhooks, the metrics, the public pages) to the application.
Routes = Callable[[web.Application], None]
# An extra health check: its name and what it found (`{"status": "ok" | ..., ...}`).
HealthCheck = Callable[[], Awaitable[tuple[str, dict[str, object]]]]


class Readiness:
    """Whether the load balancer should send traffic here: after start, before stopping."""

    def __init__(self) -> None:
        self.ready = False


def build_app(*, engine: Engine, routes: Sequence[Routes] = (), checks: Sequence[HealthCheck] = (),
              readiness: Readiness | None = None) -> web.Application:
    """The aiohttp application: /healthz, /readyz and every part's routes."""
    app = web.Application(client_max_size=256 * 1024)
    app.router.add_get("/healthz", _health(engine, checks))
    app.router.add_get("/readyz", _ready(engine, readiness))
    for add_routes in routes:
        add_routes(app)
    return app


def _database_answers(engine: Engine) -> bool:
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except Exception:
        log.warning("health check: the database does not answer", exc_info=True)
        return False
    return True


def _health(engine: Engine, checks: Sequence[HealthCheck]) -> Handler:
    async def health(_request: web.Request) -> web.Response:
        if not _database_answers(engine):
            return web.json_response({"status": "database unavailable"}, status=503)
        body: dict[str, object] = {"status": "ok", "database": "ok"}
        for check in checks:
            name, found = await check()
            body[name] = found
            if found.get("status") != "ok":
                body["status"] = "degraded"
        return web.json_response(body)
    return health


def _ready(engine: Engine, readiness: Readiness | None) -> Handler:
    async def ready(_request: web.Request) -> web.Response:
        if readiness is not None and not readiness.ready:
            return web.json_response({"status": "not ready"}, status=503)
        if not _database_answers(engine):
            return web.json_response({"status": "database unavailable"}, status=503)
        return web.json_response({"status": "ready"})
    return ready


async def start_server(app: web.Application, *, host: str, port: int) -> web.AppRunner:
    """Serve `app` on host:port until the returned runner is cleaned up."""
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, host, port).start()
    return runner


def bound_port(runner: web.AppRunner) -> int:
    """The port the server listens on (useful when it was started on port 0)."""
    for address in runner.addresses:
        return int(address[1])
    raise RuntimeError("the server is not listening")


@contextlib.asynccontextmanager
async def http_server(*, engine: Engine, routes: Sequence[Routes], host: str,
                      port: int) -> AsyncIterator[web.AppRunner]:
    """Serve the health check and `routes` on host:port inside the block; requests under way finish."""
    runner = await start_server(build_app(engine=engine, routes=routes), host=host, port=port)
    log.info("HTTP server listening on %s:%s", host, bound_port(runner))
    try:
        yield runner
    finally:
        await runner.cleanup()
