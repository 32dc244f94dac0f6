"""Chat state of the Telegram simulator: messages, keyboards and the send/edit/delete methods."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from typing import Protocol

from bot.simulator.files import FileStore
from bot.simulator.objects import (
    MAX_CAPTION_CHARS,
    MAX_TEXT_CHARS,
    JSONDict,
    SentMessage,
    TranscriptLine,
    Upload,
    as_float,
    as_int,
    bad_request,
    check_markup,
    jpeg_bytes,
    maybe_int,
    now,
    plain_text,
)


class Resident(Protocol):
    """What the chats need to know of a simulated resident (`SimUser` is one)."""

    id: int
    first_name: str
    changed: asyncio.Condition

    def as_user(self) -> JSONDict:
        """The Bot API User object."""

    def as_chat(self) -> JSONDict:
        """The Bot API Chat object of the private chat."""


_NOT_MODIFIED = ("message is not modified: specified new message content and reply markup are exactly "
                 "the same as a current content and reply markup of the message")
_WRONG_FILE = "wrong file identifier/HTTP URL specified"


def _with_caption(label: str, content: JSONDict) -> str:
    return f"{label} {content['caption']}" if content.get("caption") else label


class ChatStore(FileStore):
    """Every message in every chat, the files behind them, and what the bot sent (for tests to read)."""

    def __init__(self, bot_user: JSONDict, users: Mapping[int, Resident], changed: asyncio.Condition) -> None:
        super().__init__()
        self.bot_user = bot_user
        self.users = users
        self.changed = changed
        self.sent: list[SentMessage] = []
        # Positions in `sent` per chat, so a waiting resident looks at its own chat only.
        self.sent_to: dict[int, list[int]] = {}
        self.transcript: list[TranscriptLine] = []
        self.open_queries: dict[str, int] = {}
        self._messages: dict[tuple[int, int], JSONDict] = {}
        self._bot_messages: dict[int, dict[int, JSONDict]] = {}  # per chat, so a press scans one chat only
        self._last_message_id: dict[int, int] = {}
        self._keyboards: dict[int, list[list[JSONDict]]] = {}

    # -- chats ------------------------------------------------------------------------------------------

    def chat(self, chat_id: int) -> JSONDict:
        """The Chat object for a chat id; unknown positive ids are private chats with a resident."""
        if chat_id in self.users:
            return self.users[chat_id].as_chat()
        if chat_id < 0:
            return {"id": chat_id, "type": "supergroup" if chat_id < -10**12 else "group", "title": "Petugas"}
        return {"id": chat_id, "type": "private", "first_name": "Warga"}

    def next_message_id(self, chat_id: int) -> int:
        """Message ids count up per chat, shared by both sides as in Telegram private chats."""
        self._last_message_id[chat_id] = self._last_message_id.get(chat_id, 0) + 1
        return self._last_message_id[chat_id]

    def new_user_message(self, user: Resident, content: JSONDict, chat_id: int | None = None) -> JSONDict:
        """Create and store a message from a resident, in their private chat or in a group."""
        chat = user.as_chat() if chat_id is None else self.chat(chat_id)
        message: JSONDict = {"message_id": self.next_message_id(chat["id"]), "from": user.as_user(),
                             "chat": chat, "date": now(), **content}
        self._messages[chat["id"], message["message_id"]] = message
        return message

    def message(self, chat_id: int, message_id: int) -> JSONDict:
        """A stored message of a chat (KeyError when there is none)."""
        return self._messages[chat_id, message_id]

    def last_inline_message(self, chat_id: int) -> JSONDict | None:
        """The newest bot message in the chat still showing an inline keyboard."""
        candidates = [m for m in self._bot_messages.get(chat_id, {}).values()
                      if "inline_keyboard" in m.get("reply_markup", {})]
        return max(candidates, key=lambda m: int(m["message_id"]), default=None)

    def current_keyboard(self, chat_id: int) -> list[list[JSONDict]]:
        """The reply keyboard currently shown in the chat."""
        return self._keyboards.get(chat_id, [])

    def note_user(self, user: Resident, kind: str, text: str) -> None:
        """Add a resident action to the transcript."""
        self.transcript.append(TranscriptLine("user", user.id, user.first_name, kind, text))

    def note_bot(self, chat_id: int, kind: str, text: str, sent: SentMessage | None = None) -> None:
        """Add a bot action to the transcript."""
        buttons = tuple(sent.button_labels) if sent else ()
        keyboard = tuple(sent.keyboard_labels) if sent else ()
        self.transcript.append(TranscriptLine("bot", chat_id, "Bot", kind, text, buttons, keyboard))

    async def _record(self, sent: SentMessage, kind: str, shown: str, *, noted: bool = True) -> None:
        if noted:
            self.note_bot(sent.chat_id, kind, shown, sent)
        async with self.changed:
            self.sent_to.setdefault(sent.chat_id, []).append(len(self.sent))
            self.sent.append(sent)
            self.changed.notify_all()
        user = self.users.get(sent.chat_id)
        if user is not None:  # wakes only the resident of this chat (hundreds may be waiting)
            async with user.changed:
                user.changed.notify_all()

    # -- sending ----------------------------------------------------------------------------------------

    @staticmethod
    def chat_id(p: JSONDict) -> int:
        """The numeric chat_id parameter (@usernames are not simulated)."""
        chat_id = maybe_int(p.get("chat_id"))
        if chat_id is None:
            raise bad_request("chat not found")
        return chat_id

    @staticmethod
    def _caption(p: JSONDict) -> JSONDict:
        if not p.get("caption"):
            return {}
        caption = plain_text(str(p["caption"]), p.get("parse_mode"))
        if len(caption) > MAX_CAPTION_CHARS:
            raise bad_request("message caption is too long")
        return {"caption": caption}

    async def _deliver(self, method: str, p: JSONDict, content: JSONDict, kind: str, shown: str) -> JSONDict:
        chat_id = self.chat_id(p)
        markup = check_markup(p.get("reply_markup"))
        message: JSONDict = {"message_id": self.next_message_id(chat_id), "from": self.bot_user,
                             "chat": self.chat(chat_id), "date": now(), **content}
        # Telegram echoes only inline keyboards back in the Message object.
        if markup is not None and "inline_keyboard" in markup:
            message["reply_markup"] = markup
        self._messages[chat_id, message["message_id"]] = message
        self._bot_messages.setdefault(chat_id, {})[message["message_id"]] = message
        text = content.get("text", content.get("caption"))
        sent = SentMessage(chat_id, message["message_id"], method, text, markup, dict(message), p)
        if markup is not None and "keyboard" in markup:
            self._keyboards[chat_id] = sent.keyboard
        elif sent.removes_keyboard:
            self._keyboards.pop(chat_id, None)
        await self._record(sent, kind, shown)
        return message

    async def send_message(self, p: JSONDict) -> JSONDict:
        """sendMessage."""
        text = plain_text(str(p.get("text") or ""), p.get("parse_mode"))
        if not text.strip():
            raise bad_request("message text is empty")
        if len(text) > MAX_TEXT_CHARS:
            raise bad_request("message is too long")
        return await self._deliver("sendMessage", p, {"text": text}, "text", text)

    async def send_photo(self, p: JSONDict) -> JSONDict:
        """sendPhoto, by upload, by a known file_id or by URL."""
        photo = p.get("photo")
        if isinstance(photo, Upload):
            sizes = self.register_photo(photo.data)
        elif isinstance(photo, str) and photo in self._photo_sets:
            sizes = self._photo_sets[photo]
        elif isinstance(photo, str) and photo.startswith(("http://", "https://")):
            sizes = self.register_photo(jpeg_bytes(640, 480, (90, 140, 200)))
        else:
            raise bad_request(_WRONG_FILE if photo else "there is no photo in the request")
        content = {"photo": sizes, **self._caption(p)}
        return await self._deliver("sendPhoto", p, content, "photo", _with_caption("[photo]", content))

    async def send_document(self, p: JSONDict) -> JSONDict:
        """sendDocument, by upload or by a known file_id."""
        document = p.get("document")
        if isinstance(document, Upload):
            name = document.filename or "document"
            file = self.register(document.data, None, "documents", name.rpartition(".")[2] or "bin")
            mime = document.content_type or "application/octet-stream"
        elif isinstance(document, str) and document in self.files:
            file, name, mime = self.files[document], document, "application/octet-stream"
        else:
            raise bad_request(_WRONG_FILE if document else "there is no document in the request")
        doc = {"file_id": file.file_id, "file_unique_id": file.file_unique_id, "file_name": name,
               "mime_type": mime, "file_size": file.file_size}
        content = {"document": doc, **self._caption(p)}
        return await self._deliver("sendDocument", p, content, "document",
                                   _with_caption(f"[document {name}]", content))

    async def send_location(self, p: JSONDict) -> JSONDict:
        """sendLocation."""
        lat, lon = as_float(p, "latitude"), as_float(p, "longitude")
        if not (-90 <= lat <= 90 and -180 <= lon <= 180):
            raise bad_request("wrong location")
        content = {"location": {"latitude": lat, "longitude": lon}}
        return await self._deliver("sendLocation", p, content, "location", f"[location {lat},{lon}]")

    # -- editing ----------------------------------------------------------------------------------------

    def _find(self, p: JSONDict, action: str) -> tuple[int, JSONDict]:
        if p.get("inline_message_id"):
            raise bad_request(f"message to {action} not found")
        chat_id = self.chat_id(p)
        message = self._messages.get((chat_id, as_int(p, "message_id")))
        if message is None:
            raise bad_request(f"message to {action} not found")
        if action == "edit" and message["from"]["id"] != self.bot_user["id"]:
            raise bad_request("message can't be edited")
        return chat_id, message

    async def _apply_edit(self, method: str, p: JSONDict, text: str | None) -> JSONDict:
        chat_id, message = self._find(p, "edit")
        markup = check_markup(p.get("reply_markup"))
        # Like Telegram, an edit without reply_markup removes the inline keyboard.
        new_markup = markup if markup is not None and "inline_keyboard" in markup else None
        if (text is None or text == message.get("text")) and message.get("reply_markup") == new_markup:
            raise bad_request(_NOT_MODIFIED)
        if text is not None:
            message["text"] = text
        message.pop("reply_markup", None)
        if new_markup is not None:
            message["reply_markup"] = new_markup
        message["edit_date"] = now()
        shown = message.get("text", message.get("caption", ""))
        sent = SentMessage(chat_id, message["message_id"], method, shown, new_markup, dict(message), p)
        # Taking the buttons off a message changes nothing the resident reads: keep it out of the transcript.
        noted = text is not None or new_markup is not None
        await self._record(sent, "edit", f"(edited) {shown}", noted=noted)
        return message

    async def edit_message_text(self, p: JSONDict) -> JSONDict:
        """editMessageText."""
        _, message = self._find(p, "edit")
        if "text" not in message:
            raise bad_request("there is no text in the message to edit")
        text = plain_text(str(p.get("text") or ""), p.get("parse_mode"))
        if not text.strip():
            raise bad_request("message text is empty")
        return await self._apply_edit("editMessageText", p, text)

    async def edit_reply_markup(self, p: JSONDict) -> JSONDict:
        """editMessageReplyMarkup."""
        return await self._apply_edit("editMessageReplyMarkup", p, None)

    async def delete_message(self, p: JSONDict) -> bool:
        """deleteMessage (the bot's own messages and residents' messages in private chats)."""
        chat_id, message = self._find(p, "delete")
        del self._messages[chat_id, message["message_id"]]
        self._bot_messages.get(chat_id, {}).pop(message["message_id"], None)
        return True

    async def answer_callback_query(self, p: JSONDict) -> bool:
        """answerCallbackQuery; each query can be answered once."""
        chat_id = self.open_queries.pop(str(p.get("callback_query_id", "")), None)
        if chat_id is None:
            raise bad_request("query is too old and response timeout expired or query ID is invalid")
        if p.get("text"):
            self.note_bot(chat_id, "toast", f"({p['text']})")
        return True
