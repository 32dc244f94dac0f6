"""aiogram's aiohttp session, made cheaper for a bot that mostly sends replies.

Two changes, both through aiogram's own extension point (a session subclass):
- requests without files go as JSON bodies, not as multipart forms;
- a reply whose result nobody reads (the Message Telegram echoes back) is not parsed into models.
Errors are untouched: anything but a 200 goes through aiogram's own checks and exceptions.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from http import HTTPStatus
from typing import TYPE_CHECKING, Any, cast

from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.exceptions import TelegramNetworkError
from aiogram.methods.base import Response, TelegramMethod, TelegramType
from aiohttp import ClientError, ClientTimeout

if TYPE_CHECKING:
    from aiogram import Bot
    from aiogram.types import InputFile

_RESULT_UNREAD: ContextVar[bool] = ContextVar("aduan_result_unread", default=False)
_SUCCEEDED: Response[Any] = Response[bool](ok=True, result=True)
_JSON = {"Content-Type": "application/json"}


@contextmanager
def results_unread() -> Iterator[None]:
    """Within this block, calls that succeed return True instead of their parsed result."""
    token = _RESULT_UNREAD.set(True)
    try:
        yield
    finally:
        _RESULT_UNREAD.reset(token)


class ReplySession(AiohttpSession):
    """An AiohttpSession that sends JSON and skips parsing results flagged as unread."""

    async def make_request(
        self, bot: Bot, method: TelegramMethod[TelegramType],
        timeout: int | None = None,  # noqa: ASYNC109 (aiogram's signature)
    ) -> TelegramType:
        """Send `method` as a JSON body (with files, as aiogram's multipart form)."""
        files: dict[str, InputFile] = {}
        payload = self.prepare_value(method.model_dump(warnings=False, exclude_none=True), bot=bot,
                                     files=files, _dumps_json=False)
        if files:
            return await super().make_request(bot, method, timeout)
        session = await self.create_session()
        url = self.api.api_url(token=bot.token, method=method.__api_method__)
        try:
            seconds = self.timeout if timeout is None else timeout
            async with session.post(url, data=self.json_dumps(payload), headers=_JSON,
                                    timeout=ClientTimeout(total=seconds)) as resp:
                content = await resp.text()
        except TimeoutError as exc:
            raise TelegramNetworkError(method=method, message="Request timeout error") from exc
        except ClientError as exc:
            raise TelegramNetworkError(method=method, message=f"{type(exc).__name__}: {exc}") from exc
        response = self.check_response(bot=bot, method=method, status_code=resp.status, content=content)
        return cast(TelegramType, response.result)

    def check_response(
        self, bot: Bot, method: TelegramMethod[TelegramType], status_code: int, content: str
    ) -> Response[TelegramType]:
        """aiogram's check, except that an unread result of a successful call is not built."""
        if _RESULT_UNREAD.get() and status_code == HTTPStatus.OK and self.json_loads(content).get("ok"):
            return cast(Response[TelegramType], _SUCCEEDED)
        return super().check_response(bot, method, status_code, content)
