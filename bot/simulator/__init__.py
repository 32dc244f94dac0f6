"""A local fake Telegram Bot API server for tests and `aduan demo`; real bot clients talk to it over loopback.

Point a client at `sim.url` (as TELEGRAM_API_URL), inject resident actions with `sim.user(...)`, and read
what the bot did from `sim.sent`, `sim.calls` and `sim.transcript`.
"""

from bot.simulator.objects import ApiCall, SentMessage, SimFile, TranscriptLine, format_transcript
from bot.simulator.server import BotApiSimulator
from bot.simulator.user import SimUser

__all__ = [
    "ApiCall",
    "BotApiSimulator",
    "SentMessage",
    "SimFile",
    "SimUser",
    "TranscriptLine",
    "format_transcript",
]
