"""Telegram updates, read by their Bot API field names, translated into neutral messages for both drivers."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, Protocol

from handlers.messages import Attachment, Inbound, Location

JSONDict = dict[str, Any]
CHANNEL = "telegram"
CHAT_TYPES = frozenset({"private", "group", "supergroup"})
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
_SEQUENCES = (list, tuple)


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
        if isinstance(value, _SEQUENCES):
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
    # The message is built once, with every field (dataclasses.replace per field cost more than the rest).
    fields: dict[str, Any] = {
        "channel": CHANNEL, "user_id": str(user["id"]), "chat_id": str(chat["id"]),
        "event_ids": (str(update["update_id"]),), "received_at": _date(source),
        "profile_name": name or None, "language_code": user.get("language_code"),
        "group": chat["type"] != "private"}
    if query:
        return Inbound(**fields, choice=query.get("data") or ""), None
    assert message is not None
    return Inbound(**fields, **_content(message)), message.get("media_group_id")


def _date(message: Fields | None) -> datetime:
    stamp = (message or {}).get("date")
    if isinstance(stamp, datetime):
        return stamp
    return datetime.fromtimestamp(stamp, UTC) if isinstance(stamp, int) else datetime.now(UTC)


def _content(message: Fields) -> dict[str, Any]:
    content: dict[str, Any] = {}
    text = message.get("text")
    if replied := message.get("reply_to_message"):
        content["reply_to"] = str(replied["message_id"])
    if text and text.startswith("/"):
        head, _sep, args = text[1:].partition(" ")
        content["command"], content["args"] = head.split("@")[0].lower(), args.strip()
    else:
        content["text"] = text = text if text is not None else message.get("caption")
    if photos := message.get("photo"):
        largest = max(photos, key=lambda s: (s.get("file_size") or 0, s["width"] * s["height"]))
        content["attachments"] = (Attachment("photo", largest["file_id"], largest.get("file_size"),
                                             "image/jpeg"),)
    elif doc := message.get("document"):
        content["attachments"] = (Attachment("document", doc["file_id"], doc.get("file_size"),
                                             doc.get("mime_type"), doc.get("file_name")),)
    if venue := message.get("venue"):
        label = ", ".join(p for p in (venue.get("title"), venue.get("address")) if p)
        content["location"] = Location(venue["location"]["latitude"], venue["location"]["longitude"],
                                       label or None)
    elif location := message.get("location"):
        content["location"] = Location(location["latitude"], location["longitude"])
    kind = next((k for k in UNSUPPORTED if message.get(k)), None)
    if kind is not None:
        content["unsupported"] = UNSUPPORTED[kind]
    elif ("command" not in content and text is None and "attachments" not in content
          and "location" not in content):
        content["unsupported"] = "other"
    return content
