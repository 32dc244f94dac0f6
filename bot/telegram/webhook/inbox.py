"""Telegram's side of the webhook inbox: updates stored by update_id, fed to the driver's library in order.

The shared machinery (storing before the 200, one resident at a time across instances, albums by stored
time, taking over a dead instance's updates) is bot/common/inbox.py; here is only what is Telegram's: who
an update is from and its album, feeding it to the driver, and counting its replies as they go.
"""

from __future__ import annotations

import logging

from sqlalchemy.engine import Engine

from bot.common.inbox import Inbox
from bot.common.reply_journal import Owed, ReplyJournal
from bot.telegram.driver import TelegramDriver
from bot.telegram.updates import CHANNEL, JSONDict
from handlers.messages import Reply
from storage.inbox import QueuedEvent

log = logging.getLogger(__name__)
NOBODY = "-"  # updates without a sender (none of the kinds Aduan subscribes to, but Telegram may add some)


def sender_of(payload: JSONDict) -> tuple[str, str | None]:
    """The resident an update comes from and its album (media_group_id), read from the raw update."""
    for kind in ("message", "edited_message", "callback_query"):
        part = payload.get(kind)
        if isinstance(part, dict):
            who = part.get("from")
            resident = str(who["id"]) if isinstance(who, dict) and "id" in who else NOBODY
            group = part.get("media_group_id") if kind == "message" else None
            return resident, str(group) if group is not None else None
    return NOBODY, None


class TelegramFeed:
    """Feeds stored updates through the driver; the bridge's replies go out counted in the journal."""

    channel = CHANNEL

    def __init__(self, driver: TelegramDriver, journal: ReplyJournal) -> None:
        self.driver = driver
        self.journal = journal
        self._send = driver.bridge.send
        driver.bridge.send = self.send

    async def send(self, chat_id: str, replies: list[Reply]) -> None:
        """The bridge's send in webhook mode: one reply at a time, each counted as it goes."""
        if not self.journal.in_turn():
            await self._send(chat_id, replies)
            return
        for reply in replies:
            await self.journal.counted(self._send(chat_id, [reply]))

    async def turn(self, batch: list[QueuedEvent]) -> None:
        """Feed the update (or every part of an album, then the album as one) to the driver."""
        for queued in batch:
            try:
                await self.driver.process(queued.payload)
            except Exception:  # one bad update must not stop the resident's queue
                log.exception("could not handle Telegram update %s; dropped", queued.event_id)
        if batch[0].album is not None:
            await self.driver.bridge.flush(batch[0].resident)

    async def resend(self, batch: list[QueuedEvent], owed: Owed) -> None:
        """Send what the turn before a crash had not sent."""
        for reply in owed.replies:
            await self.journal.counted(self._send(owed.chat_id, [reply]))


class TelegramInbox:
    """The webhook's inbox for Telegram updates, and the driver that handles them."""

    def __init__(self, engine: Engine, driver: TelegramDriver, *, album_wait: float) -> None:
        self.driver = driver
        self.inbox = Inbox(engine, driver.bridge.conversations, TelegramFeed(driver, ReplyJournal(engine)),
                           album_wait=album_wait)

    async def accept(self, payload: JSONDict) -> bool:
        """Store the update (committed on return) and start working it off; False for a redelivery."""
        resident, group = sender_of(payload)
        update_id = int(payload["update_id"])
        return await self.inbox.accept(str(update_id), resident, payload, album=group, position=update_id)
