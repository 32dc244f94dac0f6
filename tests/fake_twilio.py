"""A fake Twilio REST API on loopback: records Messages.json posts, serves media, answers errors."""

from __future__ import annotations

import base64
import itertools
import uuid
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any

from aiohttp import web

ACCOUNT_SID = "AC" + "0" * 31 + "1"
AUTH_TOKEN = "f00dfeed" * 4


@dataclass
class FakeError:
    """An error the fake answers with instead of accepting a message."""

    status: int
    code: int
    message: str


@dataclass
class FakeTwilio:
    """Twilio's Messages and Media endpoints for one account, with basic auth checked."""

    account_sid: str = ACCOUNT_SID
    auth_token: str = AUTH_TOKEN
    posts: list[dict[str, str]] = field(default_factory=list)
    media: dict[str, tuple[bytes, str]] = field(default_factory=dict)
    media_failures: dict[str, int] = field(default_factory=dict)
    media_requests: list[str] = field(default_factory=list)
    errors: list[FakeError] = field(default_factory=list)
    url: str = ""
    _runner: web.AppRunner | None = None
    _ids: itertools.count[int] = field(default_factory=itertools.count)

    @property
    def base(self) -> str:
        """The account's REST path."""
        return f"/2010-04-01/Accounts/{self.account_sid}"

    def fail_next(self, count: int, *, status: int, code: int, message: str = "error") -> None:
        """Answer the next `count` message posts with this Twilio error."""
        self.errors.extend(FakeError(status, code, message) for _ in range(count))

    def add_media(self, data: bytes, content_type: str = "image/jpeg", *,
                  fail_with: int | None = None) -> str:
        """Serve `data` as the media of a message; its URL as Twilio gives it in a webhook."""
        path = f"{self.base}/Messages/MM{uuid.uuid4().hex}/Media/ME{uuid.uuid4().hex}"
        self.media[path] = (data, content_type)
        if fail_with is not None:
            self.media_failures[path] = fail_with
        return self.url + path

    def bodies(self) -> list[str]:
        """The Body of every message posted so far."""
        return [p.get("Body", "") for p in self.posts]

    def _authorized(self, request: web.Request) -> bool:
        expected = base64.b64encode(f"{self.account_sid}:{self.auth_token}".encode()).decode()
        return request.headers.get("Authorization") == f"Basic {expected}"

    async def _messages(self, request: web.Request) -> web.Response:
        if not self._authorized(request):
            return _error(401, 20003, "Authenticate")
        form = {k: str(v) for k, v in (await request.post()).items()}
        if self.errors:
            error = self.errors.pop(0)
            return _error(error.status, error.code, error.message)
        self.posts.append(form)
        sid = f"SM{next(self._ids):032x}"
        return web.json_response(_message(sid, self.account_sid, form), status=201)

    async def _media(self, request: web.Request) -> web.Response:
        self.media_requests.append(request.path)
        if not self._authorized(request):
            return _error(401, 20003, "Authenticate")
        if request.path in self.media_failures:
            return web.Response(status=self.media_failures[request.path])
        if request.path not in self.media:
            return _error(404, 20404, "Not found")
        data, content_type = self.media[request.path]
        return web.Response(body=data, content_type=content_type)

    async def __aenter__(self) -> FakeTwilio:
        app = web.Application()
        app.router.add_post(f"{self.base}/Messages.json", self._messages)
        app.router.add_get(f"{self.base}/Messages/{{message}}/Media/{{media}}", self._media)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        port = self._runner.addresses[0][1]
        self.url = f"http://127.0.0.1:{port}"
        return self

    async def __aexit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                        tb: TracebackType | None) -> None:
        if self._runner is not None:
            await self._runner.cleanup()


def _error(status: int, code: int, message: str) -> web.Response:
    return web.json_response({"code": code, "message": message, "status": status,
                              "more_info": f"https://www.twilio.com/docs/errors/{code}"}, status=status)


def _message(sid: str, account_sid: str, form: dict[str, str]) -> dict[str, Any]:
    return {"sid": sid, "account_sid": account_sid, "to": form.get("To"), "from": form.get("From"),
            "body": form.get("Body", ""), "status": "queued", "num_media": "0", "num_segments": "1",
            "direction": "outbound-api", "api_version": "2010-04-01", "price": None, "error_code": None,
            "error_message": None, "uri": f"/2010-04-01/Accounts/{account_sid}/Messages/{sid}.json",
            "date_created": "Sun, 22 Nov 2026 10:00:00 +0000", "date_updated": None, "date_sent": None,
            "messaging_service_sid": None, "price_unit": "USD", "subresource_uris": {}}
