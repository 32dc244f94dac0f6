"""What every Telegram driver shares: update translation, per-resident ordering, album gathering,
keyboards, text splitting, retries after flood limits and the command menu."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import Any, Protocol

from bot.chunks import split_text
from bot.keyed_locks import KeyedLocks
from handlers.engine import Conversations
from handlers.i18n import _, use_locale
from handlers.messages import Attachment, Inbound, Location, Reply
from scheduler.sending import FailureKind, Outgoing, SendFailure

log = logging.getLogger(__name__)

Send = Callable[[str, list[Reply]], Awaitable[None]]
JSONDict = dict[str, Any]
# Sends one piece of text with an optional keyboard (Bot API JSON) to a chat, in the driver's library.
SendText = Callable[[str, str, JSONDict | None], Awaitable[None]]
SendPhoto = Callable[[str, bytes, str | None, JSONDict | None], Awaitable[None]]
SendOne = Callable[[str, str, JSONDict | None], Awaitable[str]]
SendOnePhoto = Callable[[str, bytes, str | None, JSONDict | None], Awaitable[str]]
# Bad requests that mean the chat can never be reached again.
_UNREACHABLE = ("chat not found", "user is deactivated", "bot was kicked", "have no rights to send")
Acknowledge = Callable[[], Awaitable[None]]
CHANNEL = "telegram"
CHAT_TYPES = frozenset({"private", "group", "supergroup"})
MAX_TEXT_LENGTH = 4096
CAPTION_LENGTH = 1024
SEND_ATTEMPTS = 4
# Message kinds a report cannot use, and how the flows name them.
UNSUPPORTED = {"sticker": "sticker", "voice": "voice", "audio": "audio", "video": "video",
               "video_note": "video", "animation": "video", "contact": "contact", "poll": "other",
               "dice": "other", "game": "other", "story": "other"}


class Fields(Protocol):
    """An update or a part of it, read by its Bot API field names: a JSON dict or a `LibraryObject`."""

    def get(self, key: str, /) -> Any:
        """The field's value, or None when it is absent."""

    def __getitem__(self, key: str, /) -> Any:
        """The field's value, which must be present."""


# Bot API field names the libraries spell differently as attributes (both use `from_user`).
_ATTRIBUTES = {"from": "from_user"}
_PLAIN = (str, int, float, datetime)


class LibraryObject:
    """A python-telegram-bot or aiogram object read with Bot API field names, as `to_inbound` reads JSON.

    Cheaper than dumping the whole update to JSON first: only the fields the translation asks for are
    read, straight from the object the library already parsed.
    """

    __slots__ = ("_object",)

    def __init__(self, obj: object) -> None:
        self._object = obj

    def get(self, key: str, /) -> Any:
        """The field's value (objects and lists of objects wrapped in turn), or None when absent."""
        value = getattr(self._object, _ATTRIBUTES.get(key, key), None)
        if value is None or isinstance(value, _PLAIN):
            return value
        if isinstance(value, list | tuple):
            return [item if isinstance(item, _PLAIN) else LibraryObject(item) for item in value]
        return LibraryObject(value)

    def __getitem__(self, key: str, /) -> Any:
        """The field's value; KeyError when absent."""
        value = self.get(key)
        if value is None:
            raise KeyError(key)
        return value


def to_inbound(update: Fields) -> tuple[Inbound, str | None] | None:
    """The neutral message for a resident's update and its album id, if any.

    Both drivers hand over the update read by its Bot API field names, so one translation serves both.
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


def _date(message: Fields | None) -> datetime:
    stamp = (message or {}).get("date")
    if isinstance(stamp, datetime):
        return stamp
    return datetime.fromtimestamp(stamp, UTC) if isinstance(stamp, int) else datetime.now(UTC)


def _with_content(msg: Inbound, message: Fields) -> Inbound:
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
        self._busy: set[asyncio.Task[Any]] = set()

    async def receive(self, msg: Inbound, media_group_id: str | None = None, *,
                      acknowledge: Acknowledge | None = None) -> None:
        """Handle a message; album parts wait briefly for their siblings and go as one.

        Nothing here awaits before the resident's lock is asked for, so a resident's messages are
        handled in the order they arrived however many updates the driver runs at once.
        `acknowledge` (answering a pressed button) runs first, under the same lock.
        """
        if media_group_id:
            self._add_album_part(msg, media_group_id)
            return
        await self._run([*self._take_albums(msg.user_id), msg], acknowledge)

    async def _run(self, batch: list[Inbound], acknowledge: Acknowledge | None = None) -> None:
        task = asyncio.current_task()
        if task is not None:
            self._busy.add(task)
        try:
            async with self.locks.hold(batch[0].user_id):
                if acknowledge is not None:
                    await acknowledge()
                for msg in batch:
                    replies = await self.conversations.handle(msg)
                    if replies:
                        await self.send(msg.chat_id, replies)
        finally:
            if task is not None:
                self._busy.discard(task)

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
        album = self._pop_album(user_id, group)
        if album is not None:
            await self._run([album])

    def _pop_album(self, user_id: str, group: str) -> Inbound | None:
        album = self._albums.pop((user_id, group), None)
        if album is None:
            return None
        if album.timer is not None:
            album.timer.cancel()
        return merge_album(album.parts)

    def _take_albums(self, user_id: str) -> list[Inbound]:
        """The resident's waiting albums, taken at once so they go before the message that follows."""
        taken = (self._pop_album(*key) for key in [k for k in self._albums if k[0] == user_id])
        return [album for album in taken if album is not None]

    async def drain(self) -> None:
        """Deliver every album still waiting and finish the work under way (at shutdown)."""
        for key in list(self._albums):
            await self._flush_album(*key)
        pending = (self._tasks | self._busy) - {asyncio.current_task()}
        if pending:
            await asyncio.gather(*pending, return_exceptions=True)


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


def reply_markup(reply: Reply) -> JSONDict | None:
    """The keyboard for a reply as Bot API JSON: inline choices, a share-location button or removal."""
    if reply.buttons:
        return {"inline_keyboard": [[{"text": b.label, "callback_data": b.data} for b in row]
                                    for row in reply.buttons]}
    if reply.ask_location:
        return {"keyboard": [[{"text": reply.ask_location, "request_location": True}]],
                "resize_keyboard": True, "one_time_keyboard": True}
    if reply.clear_keyboard:
        return {"remove_keyboard": True}
    return None


def split_message(text: str) -> list[str]:
    """`text` cut into Telegram-sized pieces."""
    return split_text(text, MAX_TEXT_LENGTH)


class Blocked(Exception):
    """The resident blocked the bot (403): nothing more can reach them."""


class RetryLater(Exception):
    """Telegram's flood control answered 429 with how long to wait."""

    def __init__(self, seconds: float) -> None:
        super().__init__(f"retry after {seconds}s")
        self.seconds = seconds


async def send_replies(
    chat_id: str, replies: list[Reply], send_text: SendText, send_photo: SendPhoto | None = None
) -> None:
    """Send the replies in order: photos with their caption, long texts in pieces with the keyboard last.

    A 429 is waited out (a few times); a resident who blocked the bot is logged and skipped.
    """
    for reply in replies:
        markup = reply_markup(reply)
        try:
            if reply.photo_path and send_photo is not None:
                photo = await asyncio.to_thread(Path(reply.photo_path).read_bytes)
                caption = reply.text[:CAPTION_LENGTH] or None
                await _patiently(partial(send_photo, chat_id, photo, caption, markup))
                continue
            pieces = split_message(reply.text)
            for index, piece in enumerate(pieces):
                keyboard = markup if index == len(pieces) - 1 else None
                await _patiently(partial(send_text, chat_id, piece, keyboard))
        except Blocked:
            log.info("chat %s blocked the bot; reply dropped", chat_id)
            return


async def deliver_outgoing(message: Outgoing, send_text: SendOne, send_photo: SendOnePhoto) -> str | None:
    """Send an outbox message: its photo (captioned when the text fits), then the text in pieces.

    The buttons go with the last thing sent; returns the last message id.
    """
    markup = reply_markup(Reply(message.text, buttons=message.buttons))
    photo = await _read_photo(message.photo_path)
    if photo is not None:
        if len(message.text) <= CAPTION_LENGTH:
            return await send_photo(message.chat_id, photo, message.text or None, markup)
        await send_photo(message.chat_id, photo, None, None)
    pieces = split_message(message.text)
    sent: str | None = None
    for index, piece in enumerate(pieces):
        sent = await send_text(message.chat_id, piece, markup if index == len(pieces) - 1 else None)
    return sent


def bad_request_failure(description: str) -> SendFailure:
    """What a 400 from the Bot API means for an outbox message: the chat is gone, or this one cannot go."""
    kind: FailureKind = ("unreachable" if any(reason in description.lower() for reason in _UNREACHABLE)
                         else "permanent")
    return SendFailure(kind, description, code="400")


class OutboxSender:
    """The outbox's Telegram sender, given one driver's way to send a text and a photo."""

    channel = CHANNEL

    def __init__(self, send_text: SendOne, send_photo: SendOnePhoto) -> None:
        self.send_text = send_text
        self.send_photo = send_photo

    async def deliver(self, message: Outgoing) -> str | None:
        """Send the message (photo first, if any, long text split); the last message id."""
        return await deliver_outgoing(message, self.send_text, self.send_photo)


async def _read_photo(path: str | None) -> bytes | None:
    if not path:
        return None
    try:
        return await asyncio.to_thread(Path(path).read_bytes)
    except OSError:  # the photo was deleted meanwhile: the text still goes
        log.warning("outbox photo %s is gone; sending the text alone", path)
        return None


async def _patiently(send: Callable[[], Awaitable[None]]) -> None:
    for attempt in range(SEND_ATTEMPTS):
        try:
            await send()
            return
        except RetryLater as wait:
            if attempt == SEND_ATTEMPTS - 1:
                raise
            await asyncio.sleep(wait.seconds)
