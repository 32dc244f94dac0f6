"""The HTTP server: a health check, and the routes each part adds (webhooks, public pages, Open311)."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence

from aiohttp import web
from sqlalchemy import text
from sqlalchemy.engine import Engine

log = logging.getLogger(__name__)

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
# Adds a part's routes (a channel's webhooks, the public pages...) to the application.
Routes = Callable[[web.Application], None]


def build_app(*, engine: Engine, routes: Sequence[Routes] = ()) -> web.Application:
    """The aiohttp application: the health check and every part's routes."""
    app = web.Application(client_max_size=256 * 1024)
    app.router.add_get("/healthz", _health(engine))
    for add_routes in routes:
        add_routes(app)
    return app


def _health(engine: Engine) -> Handler:
    async def health(_request: web.Request) -> web.Response:
        try:
            with engine.connect() as connection:
                connection.execute(text("SELECT 1"))
        except Exception:
            log.warning("health check: the database does not answer", exc_info=True)
            return web.json_response({"status": "database unavailable"}, status=503)
        return web.json_response({"status": "ok"})
    return health


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
