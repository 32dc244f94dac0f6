"""What every Telegram driver shares: per-resident ordering, album gathering, the command menu."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any

from bot.keyed_locks import KeyedLocks
from handlers.engine import Conversations
from handlers.i18n import _, use_locale
from handlers.messages import Attachment, Inbound, Location, Reply

log = logging.getLogger(__name__)

Send = Callable[[str, list[Reply]], Awaitable[None]]
CHANNEL = "telegram"
CHAT_TYPES = frozenset({"private", "group", "supergroup"})
# Message kinds a report cannot use, and how the flows name them.
UNSUPPORTED = {"sticker": "sticker", "voice": "voice", "audio": "audio", "video": "video",
               "video_note": "video", "animation": "video", "contact": "contact", "poll": "other",
               "dice": "other", "game": "other", "story": "other"}


def to_inbound(update: dict[str, Any]) -> tuple[Inbound, str | None] | None:
    """The neutral message for a resident's update (Bot API JSON) and its album id, if any.

    Both drivers hand over the update as the Bot API sent it, so one translation serves both.
    Group chats come through too (operators work in the admin desk's group); the flows decide
    what a group may do. Channels and bots give None.
    """
    query = update.get("callback_query")
    message = update.get("message")
    source = query.get("message") if query else message
    user = (query or message or {}).get("from")
    chat = (source or {}).get("chat")
    if not user or user.get("is_bot") or not chat or chat.get("type") not in CHAT_TYPES:
        return None
    name = " ".join(p for p in (user.get("first_name"), user.get("last_name")) if p)
    msg = Inbound(channel=CHANNEL, user_id=str(user["id"]), chat_id=str(chat["id"]),
                  event_ids=(str(update["update_id"]),), received_at=_date(source),
                  profile_name=name or None, language_code=user.get("language_code"),
                  group=chat["type"] != "private")
    if query:
        return replace(msg, choice=query.get("data") or ""), None
    assert message is not None
    return _with_content(msg, message), message.get("media_group_id")


def _date(message: dict[str, Any] | None) -> datetime:
    stamp = (message or {}).get("date")
    if isinstance(stamp, datetime):
        return stamp
    return datetime.fromtimestamp(stamp, UTC) if isinstance(stamp, int) else datetime.now(UTC)


def _with_content(msg: Inbound, message: dict[str, Any]) -> Inbound:
    text = message.get("text")
    if replied := message.get("reply_to_message"):
        msg = replace(msg, reply_to=str(replied["message_id"]))
    if text and text.startswith("/"):
        head, _sep, args = text[1:].partition(" ")
        msg = replace(msg, command=head.split("@")[0].lower(), args=args.strip())
    else:
        msg = replace(msg, text=text if text is not None else message.get("caption"))
    if photos := message.get("photo"):
        largest = max(photos, key=lambda s: (s.get("file_size") or 0, s["width"] * s["height"]))
        msg = replace(msg, attachments=(
            Attachment("photo", largest["file_id"], largest.get("file_size"), "image/jpeg"),))
    elif doc := message.get("document"):
        msg = replace(msg, attachments=(Attachment("document", doc["file_id"], doc.get("file_size"),
                                                   doc.get("mime_type"), doc.get("file_name")),))
    if venue := message.get("venue"):
        label = ", ".join(p for p in (venue.get("title"), venue.get("address")) if p)
        msg = replace(msg, location=Location(venue["location"]["latitude"],
                                             venue["location"]["longitude"], label or None))
    elif location := message.get("location"):
        msg = replace(msg, location=Location(location["latitude"], location["longitude"]))
    kind = next((k for k in UNSUPPORTED if message.get(k)), None)
    if kind is not None:
        msg = replace(msg, unsupported=UNSUPPORTED[kind])
    elif msg.command is None and msg.text is None and not msg.attachments and msg.location is None:
        msg = replace(msg, unsupported="other")
    return msg


@dataclass
class _Album:
    parts: list[Inbound] = field(default_factory=list)
    timer: asyncio.TimerHandle | None = None


def merge_album(parts: list[Inbound]) -> Inbound:
    """One message holding every photo of an album, its caption and every update id."""
    first = parts[0]
    caption = next((p.text for p in parts if p.text), None)
    return replace(
        first,
        event_ids=tuple(e for p in parts for e in p.event_ids),
        attachments=tuple(a for p in parts for a in p.attachments),
        text=caption,
        location=next((p.location for p in parts if p.location), None),
    )


class TelegramBridge:
    """Feeds neutral messages to the flows one resident at a time and sends the replies."""

    def __init__(self, conversations: Conversations, send: Send, *, album_wait: float) -> None:
        self.conversations = conversations
        self.send = send
        self.album_wait = album_wait
        self.locks = KeyedLocks()
        self._albums: dict[tuple[str, str], _Album] = {}
        self._tasks: set[asyncio.Task[None]] = set()

    async def receive(self, msg: Inbound, media_group_id: str | None = None) -> None:
        """Handle a message; album parts wait briefly for their siblings and go as one."""
        if media_group_id:
            self._add_album_part(msg, media_group_id)
            return
        await self._flush_user(msg.user_id)
        await self._run(msg)

    async def _run(self, msg: Inbound) -> None:
        async with self.locks.hold(msg.user_id):
            replies = await self.conversations.handle(msg)
            if replies:
                await self.send(msg.chat_id, replies)

    def _add_album_part(self, msg: Inbound, group: str) -> None:
        album = self._albums.setdefault((msg.user_id, group), _Album())
        album.parts.append(msg)
        if album.timer is not None:
            album.timer.cancel()
        loop = asyncio.get_running_loop()
        album.timer = loop.call_later(self.album_wait, self._spawn_flush, msg.user_id, group)

    def _spawn_flush(self, user_id: str, group: str) -> None:
        task = asyncio.create_task(self._flush_album(user_id, group))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _flush_album(self, user_id: str, group: str) -> None:
        album = self._albums.pop((user_id, group), None)
        if album is None:
            return
        if album.timer is not None:
            album.timer.cancel()
        await self._run(merge_album(album.parts))

    async def _flush_user(self, user_id: str) -> None:
        for key in [k for k in self._albums if k[0] == user_id]:
            await self._flush_album(*key)

    async def drain(self) -> None:
        """Deliver every album still waiting and finish the work under way (at shutdown)."""
        for key in list(self._albums):
            await self._flush_album(*key)
        if self._tasks:
            await asyncio.gather(*self._tasks, return_exceptions=True)


def command_menu(locale: str) -> list[tuple[str, str]]:
    """The commands shown in Telegram's menu for `locale`, with their descriptions."""
    with use_locale(locale):
        if locale == "en":
            names = ("start", "report", "status", "cancel", "language", "help")
        else:
            names = ("start", "lapor", "status", "batal", "bahasa", "bantuan")
        descriptions = (
            _("Start and see the menu"),
            _("Make a new report"),
            _("Status of your reports"),
            _("Cancel the unfinished report"),
            _("Change the language"),
            _("Help"),
        )
        return list(zip(names, descriptions, strict=True))
