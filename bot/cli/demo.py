"""`aduan demo`: a resident's whole report, played through the real adapter against the simulator."""

from __future__ import annotations

import io
import re
import secrets

from PIL import Image, ImageDraw

from bot.settings import Settings
from bot.simulator import BotApiSimulator
from bot.telegram.driver import build_driver
from bot.wiring import build_conversations

DESCRIPTION = ("Jalan berlubang besar di depan SDN 3 sudah dua bulan, sudah dua pengendara motor "
               "jatuh saat hujan karena lubangnya tertutup genangan.")


def demo_photo() -> bytes:
    """A drawn stand-in for a resident's photo of a pothole."""
    image = Image.new("RGB", (800, 600), (150, 150, 145))
    draw = ImageDraw.Draw(image)
    draw.ellipse((250, 250, 560, 420), fill=(60, 55, 50))
    draw.rectangle((0, 520, 800, 600), fill=(90, 140, 70))
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=80)
    return out.getvalue()


async def play(settings: Settings) -> tuple[str, str]:
    """Play the report; return the transcript as the resident saw it and the tracking code."""
    token = f"{secrets.randbelow(10**9)}:DEMO{secrets.token_hex(12)}"
    async with BotApiSimulator(token) as sim:
        driver = build_driver(settings.telegram_driver, token=token, api_url=sim.url,
                              conversations=build_conversations(settings),
                              album_wait=settings.album_wait_seconds)
        await driver.start()
        try:
            resident = sim.user(7_000_000_000 + secrets.randbelow(10**9), first_name="Siti",
                                last_name="Rahmawati", language_code="id")
            await resident.send_text("/start")
            await resident.replies(1)
            await resident.press("consent:yes")
            await resident.replies(1)
            await resident.press("name:profile")
            await resident.replies(1)
            await resident.send_location(-6.2884, 106.7179)
            await resident.replies(1)
            await resident.send_photo(demo_photo(), caption=DESCRIPTION)
            await resident.replies(1)
            await resident.press("submit")
            filed = await resident.replies(1)
        finally:
            await driver.stop()
        found = re.search(rf"{settings.ticket_prefix}-[0-9A-Z]{{6}}", filed[-1].text or "")
        return sim.format_transcript(), found.group(0) if found else "?"
