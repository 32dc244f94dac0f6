"""A simulated resident who sends updates to the bot and waits for its replies."""

from __future__ import annotations

import asyncio
import bisect
import secrets
from collections.abc import Awaitable, Callable

from bot.simulator.chats import ChatStore
from bot.simulator.objects import JSONDict, SentMessage, utf16_len

# Queues an update body (``{"message": ...}``) for the bot and returns the whole update.
Enqueue = Callable[[JSONDict], Awaitable[JSONDict]]


class SimUser:
    """A Telegram user in a private chat with the bot; every send_* enqueues one Update."""

    def __init__(
        self,
        chats: ChatStore,
        enqueue: Enqueue,
        user_id: int,
        first_name: str,
        last_name: str | None,
        username: str | None,
        language_code: str | None,
    ) -> None:
        self._chats = chats
        self._enqueue = enqueue
        self.id = user_id
        self.first_name = first_name
        self.last_name = last_name
        self.username = username
        self.language_code = language_code
        self._cursor = 0
        self.changed = asyncio.Condition()
        self._chat_instance = str(secrets.randbits(62))

    def as_user(self) -> JSONDict:
        """The Bot API User object for this resident."""
        data: JSONDict = {"id": self.id, "is_bot": False, "first_name": self.first_name}
        optional = {"last_name": self.last_name, "username": self.username,
                    "language_code": self.language_code}
        data.update({k: v for k, v in optional.items() if v is not None})
        return data

    def as_chat(self) -> JSONDict:
        """The Bot API Chat object of the private chat with this resident."""
        data: JSONDict = {"id": self.id, "type": "private", "first_name": self.first_name}
        optional = {"last_name": self.last_name, "username": self.username}
        data.update({k: v for k, v in optional.items() if v is not None})
        return data

    async def _send(self, content: JSONDict, kind: str, shown: str, chat_id: int | None = None) -> JSONDict:
        message = self._chats.new_user_message(self, content, chat_id)
        self._chats.note_user(self, kind, shown)
        return await self._enqueue({"message": message})

    async def send_text(
        self, text: str, *, chat_id: int | None = None, reply_to: int | None = None
    ) -> JSONDict:
        """Send a text message (in a group with `chat_id`, as an answer to message `reply_to`)."""
        content: JSONDict = {"text": text}
        if reply_to is not None:
            content["reply_to_message"] = self._chats.message(self.id if chat_id is None else chat_id,
                                                                  reply_to)
        if text.startswith("/"):
            command = text.split(maxsplit=1)[0]
            content["entities"] = [{"type": "bot_command", "offset": 0, "length": utf16_len(command)}]
        return await self._send(content, "text", text, chat_id)

    async def send_photo(
        self, data: bytes, caption: str | None = None, media_group_id: str | None = None
    ) -> JSONDict:
        """Send a photo; only the largest of the three sizes downloads `data`."""
        content: JSONDict = {"photo": self._chats.register_photo(data)}
        if caption is not None:
            content["caption"] = caption
        if media_group_id is not None:
            content["media_group_id"] = media_group_id
        return await self._send(content, "photo", "[photo]" + (f" {caption}" if caption else ""))

    async def send_album(self, photos: list[bytes], caption: str | None = None) -> list[JSONDict]:
        """Send photos as one album: updates sharing a media_group_id, caption on the first only."""
        group = str(secrets.randbits(60))
        return [
            await self.send_photo(data, caption if i == 0 else None, media_group_id=group)
            for i, data in enumerate(photos)
        ]

    async def send_document(
        self, data: bytes, file_name: str, mime_type: str, caption: str | None = None,
        file_size: int | None = None,
    ) -> JSONDict:
        """Send a file as a document; `file_size` may claim more than len(data)."""
        extension = file_name.rpartition(".")[2] or "bin"
        file = self._chats.register(data, file_size, "documents", extension)
        doc = {"file_id": file.file_id, "file_unique_id": file.file_unique_id, "file_name": file_name,
               "mime_type": mime_type, "file_size": file.file_size}
        content: JSONDict = {"document": doc}
        if caption is not None:
            content["caption"] = caption
        shown = f"[document {file_name}]" + (f" {caption}" if caption else "")
        return await self._send(content, "document", shown)

    async def send_location(self, latitude: float, longitude: float) -> JSONDict:
        """Share a location pin."""
        content = {"location": {"latitude": latitude, "longitude": longitude}}
        return await self._send(content, "location", f"[location {latitude},{longitude}]")

    async def send_venue(self, latitude: float, longitude: float, title: str, address: str) -> JSONDict:
        """Share a venue; like Telegram, the location field is set as well."""
        location = {"latitude": latitude, "longitude": longitude}
        content = {"location": location, "venue": {"location": location, "title": title, "address": address}}
        return await self._send(content, "venue", f"[venue {title}, {address} @ {latitude},{longitude}]")

    async def send_sticker(self) -> JSONDict:
        """Send a sticker."""
        file = self._chats.register(b"RIFF\x00\x00\x00\x00WEBP", None, "stickers", "webp")
        sticker = {"file_id": file.file_id, "file_unique_id": file.file_unique_id, "type": "regular",
                   "width": 512, "height": 512, "is_animated": False, "is_video": False, "emoji": "👍",
                   "file_size": file.file_size}
        return await self._send({"sticker": sticker}, "sticker", "[sticker 👍]")

    async def send_voice(self, duration: int = 3) -> JSONDict:
        """Send a voice note."""
        file = self._chats.register(b"OggS\x00voice", None, "voice", "oga")
        voice = {"file_id": file.file_id, "file_unique_id": file.file_unique_id, "duration": duration,
                 "mime_type": "audio/ogg", "file_size": file.file_size}
        return await self._send({"voice": voice}, "voice", "[voice]")

    async def send_video(self, duration: int = 5) -> JSONDict:
        """Send a video."""
        file = self._chats.register(b"\x00\x00\x00\x18ftypmp42", None, "videos", "mp4")
        video = {"file_id": file.file_id, "file_unique_id": file.file_unique_id, "width": 640, "height": 360,
                 "duration": duration, "mime_type": "video/mp4", "file_size": file.file_size}
        return await self._send({"video": video}, "video", "[video]")

    async def send_contact(
        self, phone_number: str, first_name: str, *, user_id: int | None = None
    ) -> JSONDict:
        """Share a contact card (pass user_id=self.id for the resident's own number)."""
        contact: JSONDict = {"phone_number": phone_number, "first_name": first_name}
        if user_id is not None:
            contact["user_id"] = user_id
        return await self._send({"contact": contact}, "contact", f"[contact {first_name} {phone_number}]")

    async def press(self, label_or_data: str, *, chat_id: int | None = None) -> JSONDict:
        """Press an inline button (by text or callback_data) on the last bot message that has any."""
        message = self._chats.last_inline_message(self.id if chat_id is None else chat_id)
        rows: list[list[JSONDict]] = (message or {}).get("reply_markup", {}).get("inline_keyboard", [])
        buttons = [b for row in rows for b in row]
        for button in (b for b in buttons if "callback_data" in b):
            if label_or_data in (button.get("text"), button["callback_data"]):
                query: JSONDict = {
                    "id": str(secrets.randbits(63)),
                    "from": self.as_user(),
                    "message": message,
                    "chat_instance": self._chat_instance,
                    "data": button["callback_data"],
                }
                self._chats.open_queries[query["id"]] = self.id
                self._chats.note_user(self, "press", f"[pressed: {button.get('text')}]")
                return await self._enqueue({"callback_query": query})
        available = [(b.get("text"), b.get("callback_data")) for b in buttons]
        raise LookupError(f"no inline button {label_or_data!r} for user {self.id}; available: {available}")

    async def tap_keyboard(self, text: str) -> JSONDict:
        """Tap a button of the reply keyboard currently shown, which sends its text."""
        keyboard = self._chats.current_keyboard(self.id)
        for button in (b for row in keyboard for b in row):
            if button["text"] == text:
                if button.get("request_location") or button.get("request_contact"):
                    raise ValueError(f"{text!r} shares a location/contact; use send_location/send_contact")
                return await self.send_text(text)
        available = [b["text"] for row in keyboard for b in row]
        raise LookupError(f"no reply keyboard button {text!r} for user {self.id}; available: {available}")

    def _unseen(self, edits: bool = True) -> list[tuple[int, SentMessage]]:
        sent, mine = self._chats.sent, self._chats.sent_to.get(self.id, [])
        start = bisect.bisect_left(mine, self._cursor)
        return [(i, sent[i]) for i in mine[start:]
                if edits or not sent[i].method.lower().startswith("edit")]

    # A per-call deadline is the natural API for tests.
    async def replies(
        self, count: int = 1, timeout: float = 10.0, *, edits: bool = False  # noqa: ASYNC109
    ) -> list[SentMessage]:
        """Wait for the next `count` new bot messages to this chat (edits too with `edits=True`)."""
        try:
            async with asyncio.timeout(timeout), self.changed:
                await self.changed.wait_for(lambda: len(self._unseen(edits)) >= count)
        except TimeoutError:
            seen = [(m.method, m.text) for _, m in self._unseen(edits)]
            raise TimeoutError(
                f"user {self.id}: expected {count} bot message(s) within {timeout}s, got {len(seen)}: {seen}"
            ) from None
        got = self._unseen(edits)[:count]
        self._cursor = got[-1][0] + 1
        return [m for _, m in got]

    async def no_more_replies(self, wait: float = 0.3, *, edits: bool = False) -> None:
        """Assert the bot sends nothing new to this chat within `wait` seconds (edits count if asked)."""
        try:
            async with asyncio.timeout(wait), self.changed:
                await self.changed.wait_for(lambda: bool(self._unseen(edits)))
        except TimeoutError:
            return
        extra = [(m.method, m.text) for _, m in self._unseen(edits)]
        raise AssertionError(f"user {self.id}: unexpected bot message(s): {extra}")

    @property
    def last(self) -> SentMessage | None:
        """The most recent bot message (send or edit) to this chat."""
        mine = self._chats.sent_to.get(self.id)
        return self._chats.sent[mine[-1]] if mine else None

    @property
    def keyboard(self) -> list[list[JSONDict]]:
        """The reply keyboard currently shown to this resident (rows of button dicts)."""
        return self._chats.current_keyboard(self.id)
