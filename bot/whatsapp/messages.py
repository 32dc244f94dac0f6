"""The WhatsApp channel's translation: Twilio webhook forms in, WhatsApp text out, media fetched safely."""

from __future__ import annotations

import base64
import re
from collections.abc import Mapping
from dataclasses import replace
from datetime import datetime
from urllib.parse import urlsplit

import aiohttp

from bot.common.chunks import split_text
from handlers.choices import keyword_command
from handlers.media import MediaUnavailable
from handlers.messages import Attachment, Inbound, Location, Reply

CHANNEL = "whatsapp"
PREFIX = "whatsapp:"
# Twilio refuses a WhatsApp body longer than this.
MAX_BODY = 1600
# Media kinds a report cannot use, by MIME type prefix, and how the flows name them.
UNSUPPORTED_MEDIA = {"audio/": "voice", "video/": "video", "text/vcard": "contact",
                     "text/x-vcard": "contact"}
_SLASH_COMMAND = re.compile(
    r"(?<![\w/])/(lapor|report|status|cek|batal|cancel|bahasa|language|bantuan|help|mulai|start|"
    r"stop|berhenti|dataku|mydata|hapusdata|deletedata|tarikpersetujuan|withdraw|ubah|correct|tambah|add)\b")
# A command named in a text becomes the keyword of the reader's language (both are always accepted).
_KEYWORD_OF = {
    "id": {"report": "LAPOR", "cancel": "BATAL", "language": "BAHASA", "help": "BANTUAN", "start": "MULAI",
           "stop": "BERHENTI", "add": "TAMBAH", "mydata": "DATAKU", "deletedata": "HAPUSDATA",
           "withdraw": "TARIKPERSETUJUAN", "correct": "UBAH"},
    "en": {"lapor": "REPORT", "batal": "CANCEL", "bahasa": "LANGUAGE", "bantuan": "HELP", "mulai": "START",
           "berhenti": "STOP", "cek": "STATUS", "tambah": "ADD", "dataku": "MYDATA",
           "hapusdata": "DELETEDATA", "tarikpersetujuan": "WITHDRAW", "ubah": "CORRECT"},
}


def reporter_id(address: str) -> str:
    """The reporter's id on WhatsApp: the E.164 number without the `whatsapp:` prefix."""
    return address.removeprefix(PREFIX)


def sender_address(form: Mapping[str, str]) -> str:
    """Who sent an inbound webhook, as `whatsapp:+E164` (the address replies go to)."""
    sender = form.get("From", "")
    if not sender.startswith(PREFIX) and form.get("WaId"):
        sender = f"{PREFIX}+{form['WaId']}"
    return sender


def to_inbound(form: Mapping[str, str], *, received_at: datetime) -> Inbound:
    """The neutral message for one inbound Twilio WhatsApp webhook."""
    sender = sender_address(form)
    msg = Inbound(channel=CHANNEL, user_id=reporter_id(sender), chat_id=sender,
                  event_ids=(form["MessageSid"],), received_at=received_at,
                  profile_name=(form.get("ProfileName") or "").strip() or None)
    body = form.get("Body") or ""
    attachments, unsupported = _media(form)
    if attachments:
        msg = replace(msg, attachments=attachments, text=body or None)
    elif (command := keyword_command(body)) is not None:
        msg = replace(msg, command=command[0], args=command[1])
    elif body:
        msg = replace(msg, text=body)
    if location := _location(form):
        msg = replace(msg, location=location)
    if unsupported and not attachments:
        msg = replace(msg, unsupported=unsupported)
    elif not (msg.text or msg.command or msg.attachments or msg.location):
        msg = replace(msg, unsupported="other")
    return msg


def _media(form: Mapping[str, str]) -> tuple[tuple[Attachment, ...], str | None]:
    attachments: list[Attachment] = []
    unsupported: str | None = None
    try:
        count = int(form.get("NumMedia") or 0)
    except ValueError:
        count = 0
    for index in range(min(count, 10)):
        url = form.get(f"MediaUrl{index}")
        mime = (form.get(f"MediaContentType{index}") or "").lower()
        if not url:
            continue
        kind = next((k for prefix, k in UNSUPPORTED_MEDIA.items() if mime.startswith(prefix)), None)
        if kind is not None:
            unsupported = unsupported or kind
        else:
            attachments.append(Attachment("photo" if mime.startswith("image/") else "document", url,
                                          mime=mime or None))
    return tuple(attachments), unsupported


def _location(form: Mapping[str, str]) -> Location | None:
    try:
        latitude, longitude = float(form["Latitude"]), float(form["Longitude"])
    except (KeyError, ValueError):
        return None
    # An impossible position is passed on: the intake flow refuses it and says why (as on Telegram).
    label = ", ".join(p.strip() for p in (form.get("Label"), form.get("Address")) if p and p.strip())
    return Location(latitude, longitude, label or None)


def render(reply: Reply, locale: str = "id") -> list[str]:
    """A reply as WhatsApp message bodies: choices become a numbered list, commands keywords of `locale`.

    A file is not sent (Twilio sends media only from public URLs): the flows say everything in text too.
    """
    if reply.document is not None:
        return []
    words = _KEYWORD_OF.get(locale, _KEYWORD_OF["id"])
    text = _SLASH_COMMAND.sub(lambda m: words.get(m.group(1), m.group(1).upper()), reply.text)
    labels = [button.label for row in reply.buttons for button in row]
    if labels:
        text += "\n\n" + "\n".join(f"*{index}.* {label}" for index, label in enumerate(labels, start=1))
    return split_text(text, MAX_BODY)


class TwilioMedia:
    """Downloads a resident's media from Twilio, only from the configured API host, with basic auth."""

    def __init__(self, session: aiohttp.ClientSession, *, api_url: str, account_sid: str,
                 auth_token: str, max_bytes: int) -> None:
        self.session = session
        root = urlsplit(api_url)
        self._origin = (root.scheme, root.netloc)
        self._path = f"{root.path.rstrip('/')}/2010-04-01/Accounts/{account_sid}/"
        credentials = base64.b64encode(f"{account_sid}:{auth_token}".encode()).decode()
        self._headers = {"Authorization": f"Basic {credentials}"}
        self.max_bytes = max_bytes

    def allowed(self, url: str) -> bool:
        """Whether `url` is media of this account on the configured Twilio API host."""
        parts = urlsplit(url)
        return (parts.scheme, parts.netloc) == self._origin and parts.path.startswith(self._path) \
            and "/Media/" in parts.path and ".." not in parts.path

    async def fetch(self, attachment: Attachment) -> bytes:
        """The bytes of one media item, or MediaUnavailable with the reason."""
        if attachment.kind != "photo":
            raise MediaUnavailable("not_image")
        if not self.allowed(attachment.ref):
            raise MediaUnavailable("unavailable")
        try:
            async with self.session.get(attachment.ref, headers=self._headers,
                                        timeout=aiohttp.ClientTimeout(total=60)) as response:
                if response.status != 200:
                    raise MediaUnavailable("unavailable")
                if (response.content_length or 0) > self.max_bytes:
                    raise MediaUnavailable("too_large")
                data = await response.content.read(self.max_bytes + 1)
        except (aiohttp.ClientError, TimeoutError) as exc:
            raise MediaUnavailable("unavailable") from exc
        if len(data) > self.max_bytes:
            raise MediaUnavailable("too_large")
        return data
