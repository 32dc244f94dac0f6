"""A live Telegram channel for tests: the real driver long-polling the Bot API simulator."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from bot.simulator import BotApiSimulator
from bot.simulator.user import SimUser
from bot.telegram.driver import DriverName, TelegramDriver, build_driver
from handlers.engine import Conversations
from handlers.turn import FlowConfig
from scheduler.dispatcher import Dispatcher
from scheduler.pacing import Limits, Pacer
from storage.media import MediaStore
from storage.models import Complaint

TOKEN = "123456789:AAH-test-token-0123456789abcdefghij"


@dataclass
class LiveTelegram:
    """The simulator, the database and the driver currently running against them."""

    sim: BotApiSimulator
    engine: Engine
    media_dir: Path
    driver_name: DriverName = "ptb"
    driver: TelegramDriver | None = None
    config: FlowConfig = field(default_factory=FlowConfig)

    async def start(self) -> None:
        """Start a fresh driver process-state over the same database (as after a restart)."""
        conversations = Conversations(engine=self.engine, config=self.config,
                                      media=MediaStore(self.media_dir))
        self.driver = build_driver(self.driver_name, token=TOKEN, api_url=self.sim.url,
                                   conversations=conversations, album_wait=0.3)
        await self.driver.start()

    async def stop(self) -> None:
        """Stop the running driver."""
        if self.driver is not None:
            await self.driver.stop()
            self.driver = None

    async def deliver(self) -> int:
        """Run the outbox dispatcher once through the driver's own sender; the rows handled."""
        assert self.driver is not None
        limits = Limits(overall=1000, per_chat=1000, per_group=1000)
        dispatcher = Dispatcher(engine=self.engine, senders={"telegram": self.driver.sender()},
                                pacers={"telegram": Pacer(limits)})
        return await dispatcher.run_once()

    def complaints(self) -> list[Complaint]:
        """Every filed complaint."""
        with Session(self.engine) as session:
            return list(session.exec(select(Complaint)))




async def agree(user: SimUser) -> None:
    """First contact: the privacy notice, accepted."""
    await user.send_text("/start")
    [notice] = await user.replies()
    assert "UU PDP" in (notice.text or "")
    await user.press("consent:yes")
    [thanks_and_question] = await user.replies()  # one message: the thanks lead the first question
    assert "\n\n" in (thanks_and_question.text or "")


async def file_report(user: SimUser, description: str, photo: bytes) -> str:
    """A complete report (photo with caption, pin, profile name, submit); returns its code."""
    await agree(user)
    await user.send_photo(photo, caption=description)
    await user.replies()
    await user.send_location(-6.2884, 106.7179)
    await user.replies()
    await user.press("name:profile")
    await user.replies()
    await user.press("submit")
    [done] = await user.replies()
    found = re.search(r"[A-Z]{2,8}-[0-9A-Z]{6}", done.text or "")
    assert found, done.text
    return found.group(0)
