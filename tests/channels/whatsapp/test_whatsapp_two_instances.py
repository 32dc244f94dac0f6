"""Two real `aduan run` processes with WhatsApp on one PostgreSQL, Twilio's webhooks spread at random.

30 residents each file a report (their name and the photo sent back to back, each to whichever instance
the load balancer picks; the consent delivered twice at once, as Twilio redelivers) while one instance is
SIGKILLed halfway and restarted: every report is filed once with every field, each MessageSid handled
once, each resident's replies come in order and none twice, and the whole log of both processes holds
no auth token, phone number or resident's text.
"""

from __future__ import annotations

import asyncio
import os
from pathlib import Path
from urllib.parse import urlencode

import aiohttp
import pytest
from fake_twilio import ACCOUNT_SID, AUTH_TOKEN, FakeTwilio
from live_instances import Instance, in_order, load_balancer, read_logs
from live_webhook import free_port
from live_whatsapp import FROM, PUBLIC_URL, sign
from sqlmodel import Session, select

from bot.whatsapp.webhook import INBOUND_PATH
from helpers import jpeg
from storage.db import make_engine
from storage.models import Complaint, Photo, ProcessedEvent, Reporter
from storage.shared_models import WebhookInbox

RESIDENTS = 30
MESSAGES = 6  # LAPOR, ya, the name, the photo, the pin, kirim
# What each resident is told, in order: one entry per message (the pin gets two).
EXPECTED = ["Sebelum melapor", "Terima kasih. Mari", "👤 Nama disimpan.", "📷 Foto diterima",
            "Baik, terima kasih.", "📍 Lokasi diterima.", "✅ Terima kasih, "]
REPLY_WAIT = 15.0
DIGITS = ["Nol", "Satu", "Dua", "Tiga", "Empat", "Lima", "Enam", "Tujuh", "Delapan", "Sembilan"]
pytestmark = pytest.mark.timeout(300)


def _number(n: int) -> str:
    return f"+62811{n:07d}"


def _name(n: int) -> str:
    return f"Warga {DIGITS[n // 10]} {DIGITS[n % 10]}"  # a name is letters only


def _description(n: int) -> str:
    return f"Sampah menumpuk di pinggir jalan blok {n:02d}, hubungi saya di 0812{n:08d}"


def _pin(n: int) -> tuple[float, float]:
    """Each resident's own spot, kilometres apart (one spot would offer to follow the first report)."""
    return (round(-6.2 - 0.05 * (n // 10), 4), round(106.6 + 0.05 * (n % 10), 4))


class Resident:
    """One resident's phone: signed webhooks through the load balancer, answers read off the fake Twilio."""

    def __init__(self, n: int, fake: FakeTwilio, http: aiohttp.ClientSession, url: str) -> None:
        self.n, self.fake, self.http, self.url = n, fake, http, url
        self.address = f"whatsapp:{_number(n)}"
        self._sent = 0
        self._seen = 0

    def form(self, **fields: str) -> dict[str, str]:
        self._sent += 1
        return {"MessageSid": f"SM{self.n:04d}{self._sent:028d}", "AccountSid": ACCOUNT_SID,
                "From": self.address, "To": FROM, "WaId": _number(self.n).removeprefix("+"),
                "ProfileName": f"Warga{self.n}", "NumMedia": "0", "Body": "", **fields}

    async def post(self, form: dict[str, str]) -> None:
        """Deliver like Twilio: again (same MessageSid) while the answer is not a 200."""
        headers = {"Content-Type": "application/x-www-form-urlencoded",
                   "X-Twilio-Signature": sign(INBOUND_PATH, form)}
        for _attempt in range(100):
            async with self.http.post(self.url + INBOUND_PATH, data=urlencode(form),
                                      headers=headers) as answer:
                if answer.status == 200:
                    return
            await asyncio.sleep(0.1)
        raise AssertionError("the webhook never took the message")

    async def replies(self, count: int) -> list[str]:
        """The next `count` answers; one lost with the killed instance is waited for, then given up."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + REPLY_WAIT * count
        while True:
            mine = [p.get("Body", "") for p in self.fake.posts if p.get("To") == self.address]
            if len(mine) >= self._seen + count or loop.time() > deadline:
                new, self._seen = mine[self._seen:], len(mine)
                return new
            await asyncio.sleep(0.05)

    async def report(self) -> list[str]:
        """A whole report; every answer it got."""
        await self.post(self.form(Body="LAPOR"))
        said = await self.replies(1)
        consent = self.form(Body="ya")
        await asyncio.gather(self.post(consent), self.post(consent))  # Twilio's redelivery, both at once
        said += await self.replies(1)
        await self.post(self.form(Body=_name(self.n)))  # back to back: each to whichever instance
        await self.post(self.form(Body=_description(self.n), NumMedia="1", MediaContentType0="image/jpeg",
                                  MediaUrl0=self.fake.add_media(jpeg(color=(self.n, 90, 40)))))
        said += await self.replies(2)
        latitude, longitude = _pin(self.n)
        await self.post(self.form(Latitude=str(latitude), Longitude=str(longitude)))
        said += await self.replies(2)
        await self.post(self.form(Body="kirim"))
        return said + await self.replies(1)


async def test_two_instances_one_killed_file_every_whatsapp_report_once(postgres: str,
                                                                        tmp_path: Path) -> None:
    ports = [free_port(), free_port()]
    async with FakeTwilio() as fake, aiohttp.ClientSession() as http, \
            load_balancer(ports, seed=15, paths=[INBOUND_PATH], headers=["X-Twilio-Signature"]) as lb_port:
        env = {key: value for key, value in os.environ.items()
               if not key.startswith(("TELEGRAM_", "TWILIO_", "ADUAN_TEST_"))}
        env.update({"DATABASE_URL": postgres, "TWILIO_ACCOUNT_SID": fake.account_sid,
                    "TWILIO_AUTH_TOKEN": fake.auth_token, "TWILIO_WHATSAPP_FROM": FROM,
                    "TWILIO_API_URL": fake.url, "PUBLIC_BASE_URL": PUBLIC_URL,
                    "MEDIA_DIR": str(tmp_path / "media"), "LOG_FORMAT": "json", "LOG_LEVEL": "INFO",
                    "QUIET_HOURS_START": "00:00", "QUIET_HOURS_END": "00:00"})
        instances = [Instance(env, port, tmp_path / f"instance{i}.log") for i, port in enumerate(ports)]
        residents = [Resident(n, fake, http, f"http://127.0.0.1:{lb_port}") for n in range(RESIDENTS)]
        try:
            await asyncio.gather(*(instance.start() for instance in instances))
            reports = asyncio.gather(*(resident.report() for resident in residents))
            for _tick in range(6000):  # halfway through every answer (at most two minutes)
                if len(fake.posts) >= RESIDENTS * len(EXPECTED) // 2:
                    break
                await asyncio.sleep(0.02)
            await instances[0].kill()  # halfway: SIGKILL, no goodbye
            await asyncio.sleep(1.0)
            await instances[0].start()
            said = await reports
            await asyncio.sleep(1.0)  # let nothing else come
            late = [p for p in fake.posts if p.get("Body")]
        finally:
            await asyncio.gather(*(instance.stop() for instance in instances))
    engine = make_engine(postgres)
    with Session(engine) as session:
        complaints = {c.reporter_id: c for c in session.exec(select(Complaint))}
        reporters = {r.id: int(r.external_id.removeprefix("+62811")) for r in session.exec(select(Reporter))}
        photos = {c.id: len(session.exec(select(Photo).where(Photo.complaint_id == c.id)).all())
                  for c in complaints.values()}
        handled = session.exec(select(ProcessedEvent).where(ProcessedEvent.channel == "whatsapp")).all()
        assert not session.exec(select(WebhookInbox)).all()
    engine.dispose()
    assert len(complaints) == RESIDENTS  # one report each: none lost, none twice
    assert len(handled) == RESIDENTS * MESSAGES  # the redelivered consent counts once
    for reporter_id, complaint in complaints.items():
        n = reporters[reporter_id]
        assert (complaint.name, complaint.description) == (_name(n), _description(n))
        assert complaint.category == "waste"
        assert (complaint.latitude, complaint.longitude) == _pin(n) and photos[complaint.id] == 1
    assert all(in_order(s, EXPECTED) for s in said), [[t[:24] for t in s] for s in said
                                                        if not in_order(s, EXPECTED)]
    assert len(late) == sum(len(s) for s in said)  # nothing more came after the last reply was read
    lost = sum(len(EXPECTED) - len(s) for s in said)
    # A reply is counted just before it goes, so none goes twice; one is lost only if the kill falls in
    # the milliseconds between its count and its request.
    assert lost <= 2, [[t[:16] for t in s] for s in said if len(s) < len(EXPECTED)]
    log = read_logs(instances)
    for never in [AUTH_TOKEN, "Sampah menumpuk", *(_name(n) for n in range(RESIDENTS)),
                  *(_number(n)[1:] for n in range(RESIDENTS)), *(f"812{n:08d}" for n in range(RESIDENTS))]:
        assert never not in log
    print(f"\n{len(fake.posts)} messages, {lost} replies lost with the killed instance")
