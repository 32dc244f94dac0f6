"""A local fake Telegram Bot API server for tests and `aduan demo`; real bot clients talk to it over loopback.

Point a client at `sim.url` (as TELEGRAM_API_URL), inject resident actions with `sim.user(...)`, and read
what the bot did from `sim.sent`, `sim.calls` and `sim.transcript`.
"""

from __future__ import annotations

import asyncio
import ipaddress
import json
import time
from collections.abc import Awaitable, Callable
from types import TracebackType
from typing import Any

from aiohttp import web

from bot.telegram_sim_chats import ChatStore
from bot.telegram_sim_limits import StrictLimiter
from bot.telegram_sim_objects import (
    ApiCall,
    ApiError,
    FaultRule,
    JSONDict,
    SentMessage,
    SimFile,
    TranscriptLine,
    Upload,
    as_bool,
    as_float,
    as_int,
    bad_request,
    decode_value,
    format_transcript,
    maybe_int,
)
from bot.telegram_sim_user import SimUser

__all__ = [
    "ApiCall",
    "BotApiSimulator",
    "SentMessage",
    "SimFile",
    "SimUser",
    "TranscriptLine",
    "format_transcript",
]

MAX_POLL_SECONDS = 30.0
_Handler = Callable[[JSONDict], Awaitable[Any]]


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


class BotApiSimulator:
    """An in-process Telegram Bot API server with scripted residents, call recording and fault injection."""

    def __init__(
        self, token: str, *, host: str = "127.0.0.1", port: int = 0, bot_username: str = "aduan_bot"
    ) -> None:
        if not _is_loopback(host):
            raise ValueError(f"BotApiSimulator only binds to loopback hosts, not {host!r}")
        self.token = token
        self.host = host
        self.port = port
        prefix = token.split(":", 1)[0]
        self.bot_user: JSONDict = {"id": int(prefix) if prefix.isdigit() else 7000000001, "is_bot": True,
                                   "first_name": "Aduan", "username": bot_username}
        self.calls: list[ApiCall] = []
        self.commands: dict[tuple[str, str], list[JSONDict]] = {}
        self.users: dict[int, SimUser] = {}
        self._changed = asyncio.Condition()
        self.chats = ChatStore(self.bot_user, self.users, self._changed)
        self.sent: list[SentMessage] = self.chats.sent
        self.transcript: list[TranscriptLine] = self.chats.transcript
        self.files: dict[str, SimFile] = self.chats.files
        self._updates: list[JSONDict] = []
        self._replays: list[JSONDict] = []
        self._next_update_id = 10_001
        self._allowed: set[str] | None = None
        self._faults: list[FaultRule] = []
        self.limiter: StrictLimiter | None = None
        self._closing = False
        self._runner: web.AppRunner | None = None
        chats = self.chats
        handlers: dict[str, _Handler] = {
            "getMe": self._get_me,
            "getUpdates": self._get_updates,
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
            self.users[user_id] = SimUser(self, user_id, first_name, last_name, username, language_code)
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

    async def replay(self, update: JSONDict) -> None:
        """Deliver an identical update (same update_id) again, as Telegram does after a lost confirmation."""
        async with self._changed:
            self._replays.append(json.loads(json.dumps(update)))
            self._changed.notify_all()

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

    @property
    def pending_updates(self) -> int:
        """Updates queued and not yet confirmed by the bot."""
        return len(self._updates) + len(self._replays)

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

    async def _notify(self) -> None:
        async with self._changed:
            self._changed.notify_all()

    # -- updates --------------------------------------------------------------------------------------------

    async def _enqueue(self, body: JSONDict) -> JSONDict:
        # A snapshot, so later edits of a stored message do not change an update still in the queue.
        update: JSONDict = {"update_id": self._next_update_id, **json.loads(json.dumps(body))}
        self._next_update_id += 1
        # Telegram never creates updates of types the bot did not subscribe to.
        if self._allowed is None or next(iter(body)) in self._allowed:
            async with self._changed:
                self._updates.append(update)
                self._changed.notify_all()
        return update

    def _confirm(self, offset: int) -> None:
        if offset > 0:
            self._updates = [u for u in self._updates if u["update_id"] >= offset]
        elif offset < 0:
            self._updates = self._updates[offset:]

    async def _get_updates(self, p: JSONDict) -> list[JSONDict]:
        allowed = p.get("allowed_updates")
        if isinstance(allowed, list):
            self._allowed = {str(a) for a in allowed} or None
        self._confirm(as_int(p, "offset", 0))
        limit = min(max(as_int(p, "limit", 100), 1), 100)
        timeout = min(max(as_float(p, "timeout") if p.get("timeout") else 0.0, 0.0), MAX_POLL_SECONDS)
        if timeout > 0:
            try:
                async with asyncio.timeout(timeout), self._changed:
                    await self._changed.wait_for(lambda: self._closing or self.pending_updates > 0)
            except TimeoutError:
                pass
        batch = (self._replays + self._updates)[:limit]
        self._replays = self._replays[len(batch):]
        return batch

    async def _delete_webhook(self, p: JSONDict) -> bool:
        if as_bool(p, "drop_pending_updates"):
            self._updates.clear()
        return True

    async def _get_webhook_info(self, p: JSONDict) -> JSONDict:
        return {"url": "", "has_custom_certificate": False, "pending_update_count": self.pending_updates}

    # -- simple methods -----------------------------------------------------------------------------------

    async def _ok(self, p: JSONDict) -> bool:
        return True

    async def _get_me(self, p: JSONDict) -> JSONDict:
        return {**self.bot_user, "can_join_groups": True, "can_read_all_group_messages": False,
                "supports_inline_queries": False, "can_connect_to_business": False, "has_main_web_app": False}

    @staticmethod
    def _commands_key(p: JSONDict) -> tuple[str, str]:
        scope = p.get("scope") or {"type": "default"}
        return json.dumps(scope, sort_keys=True), str(p.get("language_code") or "")

    async def _set_my_commands(self, p: JSONDict) -> bool:
        commands = p.get("commands")
        if not isinstance(commands, list):
            raise bad_request("can't parse commands JSON object")
        for command in commands:
            name = str(command.get("command", ""))
            if not (1 <= len(name) <= 32 and all(c.islower() or c.isdigit() or c == "_" for c in name)):
                raise bad_request("BOT_COMMAND_INVALID")
        self.commands[self._commands_key(p)] = commands
        return True

    async def _get_my_commands(self, p: JSONDict) -> list[JSONDict]:
        return self.commands.get(self._commands_key(p), [])

    async def _delete_my_commands(self, p: JSONDict) -> bool:
        self.commands.pop(self._commands_key(p), None)
        return True

    async def _send_chat_action(self, p: JSONDict) -> bool:
        self.chats.chat_id(p)
        return True
