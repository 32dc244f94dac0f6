"""python-telegram-bot's networking on aiohttp: what a call sends, and the errors it raises."""

from __future__ import annotations

import asyncio
import json
import socket
from collections.abc import AsyncIterator

import pytest
from aiohttp import web
from telegram import Bot
from telegram.error import NetworkError, TimedOut

from bot.telegram.ptb.request import AiohttpRequest

TOKEN = "123456:AAE-request-test-token-abcdefghijkl"


class Server:
    """A Bot API stand-in on loopback that records requests and can be slow."""

    def __init__(self) -> None:
        self.delay = 0.0
        self.bodies: list[tuple[str, bytes]] = []
        self.url = ""

    async def handle(self, request: web.Request) -> web.Response:
        self.bodies.append((request.content_type, await request.read()))
        await asyncio.sleep(self.delay)
        method = request.match_info["method"]
        result: object = True
        if method == "getMe":
            result = {"id": 1, "is_bot": True, "first_name": "Aduan", "username": "aduan_bot"}
        return web.json_response({"ok": True, "result": result})


@pytest.fixture
async def server() -> AsyncIterator[Server]:
    fake = Server()
    app = web.Application()
    app.router.add_post("/bot{token}/{method}", fake.handle)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    fake.url = f"http://127.0.0.1:{runner.addresses[0][1]}"
    yield fake
    await runner.cleanup()


def bot(url: str, request: AiohttpRequest) -> Bot:
    return Bot(TOKEN, base_url=f"{url}/bot", request=request, get_updates_request=AiohttpRequest(pool_size=1))


async def test_a_call_goes_as_a_json_body(server: Server) -> None:
    async with bot(server.url, AiohttpRequest(pool_size=2)) as client:
        await client.answer_callback_query("42", text="Terkirim")
    content_type, body = server.bodies[-1]
    assert content_type == "application/json"
    assert json.loads(body) == {"callback_query_id": "42", "text": "Terkirim"}


async def test_an_upload_goes_as_a_multipart_form(server: Server) -> None:
    async with bot(server.url, AiohttpRequest(pool_size=2)) as client:
        await client.set_chat_photo(7, b"\xff\xd8 not really a photo")
    content_type, body = server.bodies[-1]
    assert content_type == "multipart/form-data" and b"not really a photo" in body


async def test_a_slow_answer_is_a_timeout(server: Server) -> None:
    async with bot(server.url, AiohttpRequest(pool_size=2, read_timeout=0.2)) as client:
        server.delay = 1.0
        with pytest.raises(TimedOut):
            await client.answer_callback_query("42")


async def test_a_refused_connection_is_a_network_error() -> None:
    with socket.socket() as probe:  # a loopback port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    request = AiohttpRequest(pool_size=1)
    await request.initialize()
    try:
        with pytest.raises(NetworkError):
            await request.post(f"http://127.0.0.1:{port}/bot{TOKEN}/getMe")
    finally:
        await request.shutdown()
