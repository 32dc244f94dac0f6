"""python-telegram-bot's networking on aiohttp's client instead of httpx.

python-telegram-bot takes any `BaseRequest` as its networking backend (its documented extension point).
On loopback, an httpx request cost python-telegram-bot about twice the CPU of the same request through
aiohttp, and a report makes half again as many requests as it gets updates (button answers, getFile,
the download). Requests without files go as JSON bodies; uploads as multipart forms.
"""

from __future__ import annotations

import json

import aiohttp
from telegram.error import NetworkError, TimedOut
from telegram.request import BaseRequest, RequestData

# python-telegram-bot's own defaults (HTTPXRequest), in seconds.
READ_TIMEOUT = 5.0
WRITE_TIMEOUT = 5.0
CONNECT_TIMEOUT = 5.0
MEDIA_WRITE_TIMEOUT = 20.0
_JSON = {"Content-Type": "application/json"}


class AiohttpRequest(BaseRequest):
    """A `BaseRequest` over one aiohttp session with at most `pool_size` connections."""

    def __init__(self, *, pool_size: int, pool_timeout: float = 1.0, read_timeout: float = READ_TIMEOUT,
                 write_timeout: float = WRITE_TIMEOUT, connect_timeout: float = CONNECT_TIMEOUT) -> None:
        self.pool_size = pool_size
        self._timeouts = {"read": read_timeout, "write": write_timeout, "connect": connect_timeout,
                          "pool": pool_timeout}
        self._session: aiohttp.ClientSession | None = None

    @property
    def read_timeout(self) -> float | None:
        """The read timeout used when a call gives none."""
        return self._timeouts["read"]

    async def initialize(self) -> None:
        """Open the session (again, after a shutdown)."""
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=self.pool_size),
                                                  headers={"User-Agent": self.USER_AGENT})

    async def shutdown(self) -> None:
        """Close the session and its connections."""
        if self._session is not None and not self._session.closed:
            await self._session.close()

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: float | object | None = BaseRequest.DEFAULT_NONE,
        write_timeout: float | object | None = BaseRequest.DEFAULT_NONE,
        connect_timeout: float | object | None = BaseRequest.DEFAULT_NONE,
        pool_timeout: float | object | None = BaseRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        """Send one request; python-telegram-bot's TimedOut or NetworkError when it cannot."""
        if self._session is None or self._session.closed:
            raise RuntimeError("This AiohttpRequest is not initialized!")
        files = bool(request_data and request_data.contains_files)
        read = self._seconds(read_timeout, "read")
        # aiohttp has no separate write timeout: a request's whole time is bounded by read + write.
        write = self._seconds(write_timeout, "write") if not files else self._media_write(write_timeout)
        timeout = aiohttp.ClientTimeout(
            total=None if read is None or write is None else read + write,
            connect=_sum(self._seconds(pool_timeout, "pool"), self._seconds(connect_timeout, "connect")),
            sock_read=read)
        body: bytes | aiohttp.FormData | None = None
        headers: dict[str, str] | None = None
        if request_data is not None and files:
            body = _form(request_data)
        elif request_data is not None:
            body, headers = json.dumps(request_data.parameters).encode(), _JSON
        try:
            async with self._session.request(method, url, data=body, headers=headers,
                                             timeout=timeout) as response:
                return response.status, await response.read()
        except TimeoutError as exc:
            raise TimedOut() from exc
        except aiohttp.ClientError as exc:
            raise NetworkError(f"aiohttp.{type(exc).__name__}: {exc}") from exc

    def _seconds(self, value: float | object | None, kind: str) -> float | None:
        if value is BaseRequest.DEFAULT_NONE:
            return self._timeouts[kind]
        assert value is None or isinstance(value, int | float)
        return value

    def _media_write(self, value: float | object | None) -> float | None:
        return MEDIA_WRITE_TIMEOUT if value is BaseRequest.DEFAULT_NONE else self._seconds(value, "write")


def _form(request_data: RequestData) -> aiohttp.FormData:
    form = aiohttp.FormData(quote_fields=False)
    for name, value in request_data.json_parameters.items():
        form.add_field(name, value)
    for name, (filename, content, mime) in request_data.multipart_data.items():
        form.add_field(name, content, filename=filename, content_type=mime)
    return form


def _sum(*parts: float | None) -> float | None:
    return None if any(p is None for p in parts) else sum(p for p in parts if p is not None)

