"""The neutral inbound message every channel adapter translates into, and the replies it gets."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any, Literal

AttachmentKind = Literal["photo", "document"]


@dataclass(frozen=True, slots=True)
class Attachment:
    """A file the resident sent, known by the channel's reference until it is fetched."""

    kind: AttachmentKind
    ref: str
    size: int | None = None
    mime: str | None = None
    filename: str | None = None


@dataclass(frozen=True, slots=True)
class Location:
    """A location pin, with the place's name or address when the channel gives one."""

    latitude: float
    longitude: float
    label: str | None = None


@dataclass(frozen=True, slots=True)
class Inbound:
    """One thing a resident did: a message, an album, a command or a button press."""

    channel: str
    user_id: str
    chat_id: str
    event_ids: tuple[str, ...]
    received_at: datetime
    text: str | None = None
    command: str | None = None
    args: str = ""
    choice: str | None = None
    attachments: tuple[Attachment, ...] = ()
    location: Location | None = None
    unsupported: str | None = None
    profile_name: str | None = None
    language_code: str | None = None
    group: bool = False
    reply_to: str | None = None

    def to_json(self) -> dict[str, Any]:
        """A JSON-safe dict, to keep a message waiting in the conversation state."""
        data = asdict(self)
        data["received_at"] = self.received_at.isoformat()
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Inbound:
        """The message `to_json` made."""
        loc = data.get("location")
        return cls(
            channel=data["channel"],
            user_id=data["user_id"],
            chat_id=data["chat_id"],
            event_ids=tuple(data["event_ids"]),
            received_at=datetime.fromisoformat(data["received_at"]),
            text=data.get("text"),
            command=data.get("command"),
            args=data.get("args", ""),
            choice=data.get("choice"),
            attachments=tuple(Attachment(**a) for a in data.get("attachments", ())),
            location=Location(**loc) if loc else None,
            unsupported=data.get("unsupported"),
            profile_name=data.get("profile_name"),
            language_code=data.get("language_code"),
            group=data.get("group", False),
            reply_to=data.get("reply_to"),
        )


@dataclass(frozen=True, slots=True)
class Button:
    """A choice the resident can tap; `data` comes back as `Inbound.choice`."""

    label: str
    data: str


@dataclass(frozen=True, slots=True)
class Reply:
    """A message to send back: text, optional rows of choices, optional keyboard hints."""

    text: str
    buttons: tuple[tuple[Button, ...], ...] = ()
    ask_location: str | None = None
    clear_keyboard: bool = False
    photo_path: str | None = None
    meta: dict[str, str] = field(default_factory=dict)
    # A file to send with `text` as its caption, where the channel can upload one (Telegram).
    document: bytes | None = None
    document_name: str | None = None
