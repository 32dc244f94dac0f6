"""The simulator's HTTP server: Bot API methods routed to the chats, files, menus and update queue."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from types import TracebackType
from typing import Any

from aiohttp import web

from bot.common.addresses import is_loopback
from bot.simulator.chats import ChatStore
from bot.simulator.limits import StrictLimiter
from bot.simulator.menus import CommandMenus
from bot.simulator.objects import (
    ApiCall,
    ApiError,
    FaultRule,
    JSONDict,
    SentMessage,
    SimFile,
    TranscriptLine,
    Upload,
    bad_request,
    decode_value,
    format_transcript,
    maybe_int,
)
from bot.simulator.updates import UpdateQueue
from bot.simulator.user import SimUser

_Handler = Callable[[JSONDict], Awaitable[Any]]


class BotApiSimulator(UpdateQueue, CommandMenus):
    """An in-process Telegram Bot API server with scripted residents, call recording and fault injection."""

    def __init__(
        self, token: str, *, host: str = "127.0.0.1", port: int = 0, bot_username: str = "aduan_bot"
    ) -> None:
        if not is_loopback(host):
            raise ValueError(f"BotApiSimulator only binds to loopback hosts, not {host!r}")
        UpdateQueue.__init__(self)
        CommandMenus.__init__(self)
        self.token = token
        self.host = host
        self.port = port
        prefix = token.split(":", 1)[0]
        self.bot_user: JSONDict = {"id": int(prefix) if prefix.isdigit() else 7000000001, "is_bot": True,
                                   "first_name": "Aduan", "username": bot_username}
        self.calls: list[ApiCall] = []
        self.users: dict[int, SimUser] = {}
        self.chats = ChatStore(self.bot_user, self.users, self._changed)
        self.sent: list[SentMessage] = self.chats.sent
        self.transcript: list[TranscriptLine] = self.chats.transcript
        self.files: dict[str, SimFile] = self.chats.files
        self._faults: list[FaultRule] = []
        self.limiter: StrictLimiter | None = None
        self._runner: web.AppRunner | None = None
        chats = self.chats
        handlers: dict[str, _Handler] = {
            "getMe": self._get_me,
            "getUpdates": self._get_updates,
            "setWebhook": self._set_webhook,
            "deleteWebhook": self._delete_webhook,
            "getWebhookInfo": self._get_webhook_info,
            "logOut": self._ok,
            "close": self._ok,
            "setMyCommands": self._set_my_commands,
            "getMyCommands": self._get_my_commands,
            "deleteMyCommands": self._delete_my_commands,
            "sendChatAction": self._send_chat_action,
            "sendMessage": chats.send_message,
            "sendPhoto": chats.send_photo,
            "sendDocument": chats.send_document,
            "sendLocation": chats.send_location,
            "editMessageText": chats.edit_message_text,
            "editMessageReplyMarkup": chats.edit_reply_markup,
            "deleteMessage": chats.delete_message,
            "answerCallbackQuery": chats.answer_callback_query,
            "getFile": chats.get_file,
        }
        # Telegram method names are case-insensitive.
        self._methods = {name.lower(): handler for name, handler in handlers.items()}

    # -- lifecycle -------------------------------------------------------------------------------------

    async def start(self) -> None:
        """Start serving on host:port (port 0 picks a free port)."""
        if self._runner is not None:
            raise RuntimeError("simulator already started")
        app = web.Application(client_max_size=60 * 1024 * 1024)
        app.router.add_route("*", "/bot{token}/{method}", self._handle_api)
        app.router.add_get("/file/bot{token}/{file_path:.*}", self._handle_file)
        self._closing = False
        self._runner = web.AppRunner(app, shutdown_timeout=2.0, access_log=None)
        await self._runner.setup()
        await web.TCPSite(self._runner, self.host, self.port).start()
        self.port = int(self._runner.addresses[0][1])

    async def stop(self) -> None:
        """Release pending long polls and stop the server."""
        self._closing = True
        await self._notify()
        await self._stop_webhook()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> BotApiSimulator:
        await self.start()
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.stop()

    @property
    def url(self) -> str:
        """Root URL for TELEGRAM_API_URL; clients append /bot<token>/METHOD and /file/bot<token>/PATH."""
        if self._runner is None:
            raise RuntimeError("simulator not started")
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"

    # -- public helpers ----------------------------------------------------------------------------------

    def user(
        self,
        user_id: int,
        first_name: str = "Budi",
        last_name: str | None = None,
        username: str | None = None,
        language_code: str | None = "id",
    ) -> SimUser:
        """The resident with this id (created on first use) in a private chat with the bot."""
        if user_id not in self.users:
            self.users[user_id] = SimUser(self.chats, self._enqueue, user_id, first_name, last_name, username,
                                          language_code)
        return self.users[user_id]

    def add_file(self, data: bytes, file_size: int | None = None) -> str:
        """Register a downloadable file and return its file_id; file_size may claim more than len(data)."""
        return self.chats.register(data, file_size, "documents", "bin").file_id

    def fail_next(
        self,
        method: str,
        *,
        error_code: int,
        description: str,
        retry_after: int | None = None,
        times: int = 1,
        chat_id: int | None = None,
    ) -> None:
        """Make the next `times` calls of `method` (optionally only to chat_id) answer with this error."""
        error = ApiError(error_code, description, retry_after)
        self._faults.append(FaultRule(method.lower(), error, times, chat_id))

    def enforce_rate_limits(self, *, overall: int = 30, per_chat: int = 1, per_group: int = 20,
                            window: float = 1.0) -> StrictLimiter:
        """Answer sends over the flood limits with 429 + retry_after (off by default)."""
        self.limiter = StrictLimiter(overall=overall, per_chat=per_chat, per_group=per_group, window=window)
        return self.limiter

    def calls_to(self, method: str) -> list[ApiCall]:
        """Recorded calls of one method (case-insensitive)."""
        return [c for c in self.calls if c.method.lower() == method.lower()]

    # A per-call deadline is the natural API for tests.
    async def messages_in(
        self, chat_id: int, count: int = 1, timeout: float = 10.0  # noqa: ASYNC109
    ) -> list[SentMessage]:
        """Wait until the bot has sent at least `count` new messages (not edits) to a chat; return all."""
        def new() -> list[SentMessage]:
            return [m for m in self.sent if m.chat_id == chat_id and not m.method.lower().startswith("edit")]
        try:
            async with asyncio.timeout(timeout), self._changed:
                await self._changed.wait_for(lambda: len(new()) >= count)
        except TimeoutError:
            raise TimeoutError(f"chat {chat_id}: {len(new())} message(s), wanted {count}") from None
        return new()

    # A per-call deadline is the natural API for tests.
    async def wait_for_call(
        self, method: str, *, count: int = 1, timeout: float = 10.0  # noqa: ASYNC109
    ) -> list[ApiCall]:
        """Wait until `method` has been called at least `count` times in total."""
        try:
            async with asyncio.timeout(timeout), self._changed:
                await self._changed.wait_for(lambda: len(self.calls_to(method)) >= count)
        except TimeoutError:
            got = len(self.calls_to(method))
            raise TimeoutError(f"{method} called {got} time(s), wanted {count}") from None
        return self.calls_to(method)

    def format_transcript(self) -> str:
        """The whole conversation so far as readable text."""
        return format_transcript(self.transcript)

    # -- HTTP ---------------------------------------------------------------------------------------------

    async def _handle_api(self, request: web.Request) -> web.Response:
        if request.match_info["token"] != self.token:
            return web.json_response(ApiError(401, "Unauthorized").payload(), status=401)
        method = request.match_info["method"]
        try:
            params = await self._read_params(request)
        except ValueError:
            return web.json_response(bad_request("can't parse JSON").payload(), status=400)
        self.calls.append(ApiCall(method, params, time.time()))
        await self._notify()
        handler = self._methods.get(method.lower())
        if handler is None:
            return web.json_response(ApiError(404, "Not Found: method not found").payload(), status=404)
        try:
            fault = self._take_fault(method, params)
            if fault is None and self.limiter is not None:
                fault = self.limiter.check(method, maybe_int(params.get("chat_id")))
            if fault is not None:
                raise fault
            result = await handler(params)
        except ApiError as err:
            return web.json_response(err.payload(), status=err.error_code)
        return web.json_response({"ok": True, "result": result})

    async def _read_params(self, request: web.Request) -> JSONDict:
        params: JSONDict = dict(request.query)
        if request.can_read_body:
            if request.content_type == "application/json":
                body = await request.json()
                if not isinstance(body, dict):
                    raise ValueError("JSON body is not an object")
                params.update(body)
            else:
                for key, value in (await request.post()).items():
                    if isinstance(value, web.FileField):
                        params[key] = Upload(value.filename, value.content_type, value.file.read())
                    else:
                        params[key] = value
        # aiogram (and PTB for media groups) reference file parts as "attach://<part name>".
        for key, value in list(params.items()):
            if isinstance(value, str) and value.startswith("attach://"):
                part = params.get(value.removeprefix("attach://"))
                if isinstance(part, Upload):
                    params[key] = part
                    del params[value.removeprefix("attach://")]
        return {key: decode_value(key, value) for key, value in params.items()}

    async def _handle_file(self, request: web.Request) -> web.Response:
        if request.match_info["token"] != self.token:
            return web.json_response(ApiError(401, "Unauthorized").payload(), status=401)
        file = self.chats.file_at(request.match_info["file_path"])
        if file is None:
            return web.json_response(ApiError(404, "Not Found").payload(), status=404)
        return web.Response(body=file.data, content_type="application/octet-stream")

    def _take_fault(self, method: str, params: JSONDict) -> ApiError | None:
        for rule in self._faults:
            if rule.method == method.lower() and rule.chat_id in (None, maybe_int(params.get("chat_id"))):
                rule.remaining -= 1
                if rule.remaining <= 0:
                    self._faults.remove(rule)
                return rule.error
        return None

    # -- simple methods -----------------------------------------------------------------------------------

    async def _ok(self, p: JSONDict) -> bool:
        return True

    async def _get_me(self, p: JSONDict) -> JSONDict:
        return {**self.bot_user, "can_join_groups": True, "can_read_all_group_messages": False,
                "supports_inline_queries": False, "can_connect_to_business": False, "has_main_web_app": False}

    async def _send_chat_action(self, p: JSONDict) -> bool:
        self.chats.chat_id(p)
        return True
