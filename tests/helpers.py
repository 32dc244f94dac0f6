"""Small builders the tests share."""

from __future__ import annotations

import io
import uuid
from datetime import UTC, datetime
from typing import Any

from PIL import Image

from handlers.messages import Attachment, Inbound, Location, Reply


def jpeg(width: int = 640, height: int = 480, color: tuple[int, int, int] = (120, 90, 60),
         exif: bytes | None = None) -> bytes:
    """A small JPEG photo, optionally with raw EXIF."""
    out = io.BytesIO()
    image = Image.new("RGB", (width, height), color)
    if exif is not None:
        image.save(out, format="JPEG", exif=exif)
    else:
        image.save(out, format="JPEG")
    return out.getvalue()


class Resident:
    """A resident talking to the channel-neutral engine, as a channel adapter would pass it on."""

    def __init__(self, conversations: Any, user_id: str = "1001", *, profile_name: str = "Budi Santoso",
                 language_code: str = "id", channel: str = "test") -> None:
        self.conversations = conversations
        self.user_id = user_id
        self.profile_name = profile_name
        self.language_code = language_code
        self.channel = channel
        self.files: dict[str, bytes] = {}
        self.last: list[Reply] = []
        conversations.add_channel(channel, self._fetch)

    async def _fetch(self, attachment: Attachment) -> bytes:
        return self.files[attachment.ref]

    def message(self, **fields: Any) -> Inbound:
        """A neutral message from this resident with a fresh event id."""
        return Inbound(channel=self.channel, user_id=self.user_id, chat_id=self.user_id,
                       event_ids=(uuid.uuid4().hex,), received_at=datetime.now(UTC),
                       profile_name=self.profile_name, language_code=self.language_code, **fields)

    async def send(self, msg: Inbound) -> list[Reply]:
        """Deliver a message and keep the replies."""
        self.last = await self.conversations.handle(msg)
        return self.last

    async def say(self, text: str) -> list[Reply]:
        """Send text (a leading slash makes it a command)."""
        if text.startswith("/"):
            head, _sep, args = text[1:].partition(" ")
            return await self.send(self.message(command=head, args=args))
        return await self.send(self.message(text=text))

    async def photo(self, *photos: bytes, caption: str | None = None, kind: str = "photo") -> list[Reply]:
        """Send one photo or an album."""
        attachments = []
        for data in photos:
            ref = uuid.uuid4().hex
            self.files[ref] = data
            attachments.append(Attachment(kind, ref, len(data)))  # type: ignore[arg-type]
        return await self.send(self.message(attachments=tuple(attachments), text=caption))

    async def pin(self, latitude: float = -6.2884, longitude: float = 106.7179) -> list[Reply]:
        """Share a location pin."""
        return await self.send(self.message(location=Location(latitude, longitude)))

    async def press(self, data: str) -> list[Reply]:
        """Press a button by its data."""
        offered = [b.data for r in self.last for row in r.buttons for b in row]
        assert data in offered, f"{data!r} not offered; buttons: {offered}"
        return await self.send(self.message(choice=data))

    @property
    def text(self) -> str:
        """All text of the last replies."""
        return "\n".join(r.text for r in self.last)

    async def agree(self) -> None:
        """Accept the privacy notice."""
        await self.say("/start")
        await self.press("consent:yes")
