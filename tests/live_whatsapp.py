"""A live WhatsApp channel for tests: the real webhook server and twilio client against a fake Twilio."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from pathlib import Path
from urllib.parse import parse_qsl, urlencode

import aiohttp
from fake_twilio import ACCOUNT_SID, AUTH_TOKEN, FakeTwilio
from sqlalchemy.engine import Engine
from twilio.request_validator import RequestValidator

from bot.http_server import bound_port, build_app, start_server
from bot.settings import Settings
from bot.whatsapp.service import WhatsAppService, whatsapp_service
from bot.whatsapp.webhook import INBOUND_PATH
from bot.wiring import build_conversations

PUBLIC_URL = "https://aduan.example.go.id"
FIXTURES = Path(__file__).parent / "fixtures" / "twilio"
FROM = "whatsapp:+14155238886"
RESIDENT = "whatsapp:+6281234567890"


def fixture_form(name: str, fake: FakeTwilio | None = None) -> dict[str, str]:
    """A webhook body kept as Twilio sent it, its media URLs pointed at the fake when given."""
    raw = (FIXTURES / f"{name}.form").read_text().strip()
    form = dict(parse_qsl(raw, keep_blank_values=True))
    if fake is not None:
        form = {k: v.replace("https://api.twilio.com", fake.url) for k, v in form.items()}
    return form


def sign(path: str, form: dict[str, str], token: str = AUTH_TOKEN) -> str:
    """The X-Twilio-Signature Twilio would send for `form` posted to PUBLIC_URL + path."""
    return str(RequestValidator(token).compute_signature(PUBLIC_URL + path, form))


class LiveWhatsApp:
    """Posts signed webhooks to the running server and reads what the fake Twilio was asked to send."""

    def __init__(self, fake: FakeTwilio, service: WhatsAppService, http: aiohttp.ClientSession,
                 port: int) -> None:
        self.fake = fake
        self.service = service
        self.http = http
        self.port = port
        self._seq = 0

    @property
    def url(self) -> str:
        """The server's local root URL."""
        return f"http://127.0.0.1:{self.port}"

    async def post(self, form: dict[str, str], *, path: str = INBOUND_PATH,
                   signature: str | None = None) -> int:
        """Post a webhook (signed unless a signature is given) and wait until it is handled."""
        headers = {"Content-Type": "application/x-www-form-urlencoded"}
        signature = sign(path, form) if signature is None else signature
        if signature:
            headers["X-Twilio-Signature"] = signature
        async with self.http.post(self.url + path, data=urlencode(form), headers=headers) as response:
            status = response.status
        await self.service.channel.drain()
        return status

    async def send(self, **fields: str) -> list[str]:
        """Send a message from the resident; the bodies of the answers."""
        self._seq += 1
        form = {"MessageSid": f"SM{self._seq:032d}", "AccountSid": ACCOUNT_SID, "From": RESIDENT,
                "To": FROM, "WaId": RESIDENT.removeprefix("whatsapp:+"), "ProfileName": "Siti Aminah",
                "NumMedia": "0", "Body": "", **fields}
        before = len(self.fake.posts)
        await self.post(form)
        return self.fake.bodies()[before:]

    async def say(self, text: str) -> str:
        """Send text; every answer joined."""
        return "\n".join(await self.send(Body=text))

    async def photo(self, data: bytes, caption: str = "", content_type: str = "image/jpeg",
                    fail_with: int | None = None) -> str:
        """Send one photo (served by the fake Twilio); every answer joined."""
        url = self.fake.add_media(data, content_type, fail_with=fail_with)
        return "\n".join(await self.send(Body=caption, NumMedia="1", MediaUrl0=url,
                                         MediaContentType0=content_type))

    async def pin(self, latitude: float, longitude: float, **place: str) -> str:
        """Share a location pin; every answer joined."""
        return "\n".join(await self.send(Latitude=str(latitude), Longitude=str(longitude), **place))


def whatsapp_settings(fake: FakeTwilio, db_url: str, media_dir: Path, **extra: object) -> Settings:
    """Settings with WhatsApp configured against the fake Twilio and a free local port."""
    values: dict[str, object] = dict(
        _env_file=None, database_url=db_url, media_dir=media_dir, http_port=0,
        public_base_url=PUBLIC_URL + "/", twilio_account_sid=fake.account_sid,
        twilio_auth_token=fake.auth_token, twilio_whatsapp_from="+14155238886",
        twilio_api_url=fake.url, twilio_template_status_sid="HX" + "1" * 32)
    values.update(extra)
    return Settings(**values)  # type: ignore[arg-type]


@contextlib.asynccontextmanager
async def live_whatsapp(engine: Engine, db_url: str, media_dir: Path) -> AsyncIterator[LiveWhatsApp]:
    """A running WhatsApp channel against a fake Twilio."""
    async with FakeTwilio() as fake:
        settings = whatsapp_settings(fake, db_url, media_dir)
        conversations = build_conversations(settings, engine)
        async with whatsapp_service(settings, conversations, engine) as service, \
                aiohttp.ClientSession() as http:
            runner = await start_server(build_app(engine=engine, routes=[service.routes]),
                                        host="127.0.0.1", port=0)
            try:
                yield LiveWhatsApp(fake, service, http, bound_port(runner))
            finally:
                await runner.cleanup()
