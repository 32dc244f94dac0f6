"""Records, errors and Bot API object builders shared by the local Telegram simulator."""

from __future__ import annotations

import html
import io
import json
import re
import time
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Literal

from PIL import Image

JSONDict = dict[str, Any]

MAX_DOWNLOAD_BYTES = 20 * 1024 * 1024
MAX_TEXT_CHARS = 4096
MAX_CAPTION_CHARS = 1024
MAX_CALLBACK_DATA_BYTES = 64

# Free-text parameters are never JSON-decoded, even if a resident typed something like "[1]".
_TEXT_PARAMS = frozenset(
    {"text", "caption", "title", "address", "description", "short_description", "name", "query", "url"}
)
_HTML_TAGS = frozenset(
    {"b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "a", "code", "pre", "span",
     "tg-spoiler", "tg-emoji", "blockquote"}
)
_PARSE_ERROR = "can't parse entities: "
_TAG_RE = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9-]*)(?:\s[^<>]*)?>")


class ApiError(Exception):
    """A Bot API error answer: HTTP status == error_code, plus the Telegram description."""

    def __init__(self, error_code: int, description: str, retry_after: int | None = None) -> None:
        super().__init__(f"{error_code} {description}")
        self.error_code = error_code
        self.description = description
        self.retry_after = retry_after

    def payload(self) -> JSONDict:
        """The JSON body Telegram would answer with."""
        body: JSONDict = {"ok": False, "error_code": self.error_code, "description": self.description}
        if self.retry_after is not None:
            body["parameters"] = {"retry_after": self.retry_after}
        return body


def bad_request(detail: str) -> ApiError:
    """A 400 error with Telegram's "Bad Request: " prefix."""
    return ApiError(400, f"Bad Request: {detail}")


@dataclass(frozen=True)
class Upload:
    """A file part received in a multipart request."""

    filename: str | None
    content_type: str | None
    data: bytes = field(repr=False)


@dataclass
class SimFile:
    """A file the simulator can serve through getFile and the file download route."""

    file_id: str
    file_unique_id: str
    file_path: str
    data: bytes = field(repr=False)
    file_size: int


@dataclass(frozen=True)
class ApiCall:
    """One request the bot made, with its decoded parameters."""

    method: str
    params: JSONDict
    time: float


@dataclass
class FaultRule:
    """A pending injected failure for calls to one method."""

    method: str
    error: ApiError
    remaining: int
    chat_id: int | None = None


@dataclass
class SentMessage:
    """A message the bot sent or edited, as the resident's chat would show it."""

    chat_id: int
    message_id: int
    method: str
    text: str | None
    reply_markup: JSONDict | None
    message: JSONDict = field(default_factory=dict, repr=False)
    params: JSONDict = field(default_factory=dict, repr=False)

    @property
    def buttons(self) -> list[list[tuple[str, str | None]]]:
        """Inline keyboard rows as (text, callback_data) pairs; empty without an inline keyboard."""
        rows = (self.reply_markup or {}).get("inline_keyboard") or []
        return [[(str(b.get("text", "")), b.get("callback_data")) for b in row] for row in rows]

    @property
    def keyboard(self) -> list[list[JSONDict]]:
        """Reply keyboard rows as dicts with at least text and request_location."""
        rows = (self.reply_markup or {}).get("keyboard") or []
        return [[_keyboard_button(b) for b in row] for row in rows]

    @property
    def removes_keyboard(self) -> bool:
        """True when this message carries ReplyKeyboardRemove."""
        return bool((self.reply_markup or {}).get("remove_keyboard"))

    @property
    def button_labels(self) -> list[str]:
        """All inline button texts, flattened."""
        return [text for row in self.buttons for text, _ in row]

    @property
    def keyboard_labels(self) -> list[str]:
        """All reply keyboard button texts, flattened."""
        return [str(b["text"]) for row in self.keyboard for b in row]


@dataclass(frozen=True)
class TranscriptLine:
    """One line of the conversation as the resident sees it."""

    sender: Literal["user", "bot"]
    chat_id: int
    name: str
    kind: str
    text: str
    buttons: tuple[str, ...] = ()
    keyboard: tuple[str, ...] = ()


def format_transcript(lines: list[TranscriptLine]) -> str:
    """Render transcript lines as a readable chat log."""
    out: list[str] = []
    for line in lines:
        prefix = f"{line.name}: "
        pad = " " * len(prefix)
        body = line.text.splitlines() or [""]
        out.append(prefix + body[0])
        out.extend(pad + rest for rest in body[1:])
        if line.buttons:
            out.append(pad + " ".join(f"[{b}]" for b in line.buttons))
        if line.keyboard:
            out.append(pad + "keyboard: " + " ".join(f"({k})" for k in line.keyboard))
    return "\n".join(out)


def _keyboard_button(button: object) -> JSONDict:
    if isinstance(button, str):
        return {"text": button, "request_location": False}
    data = dict(button) if isinstance(button, dict) else {"text": str(button)}
    data.setdefault("request_location", False)
    return data


def decode_value(key: str, value: Any) -> Any:
    """Decode a form string holding a JSON object/array (PTB and aiogram JSON-encode complex values)."""
    if isinstance(value, str) and key not in _TEXT_PARAMS and value[:1] in ("{", "["):
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value


def as_int(params: JSONDict, key: str, default: int | None = None) -> int:
    """Read an integer parameter that may arrive as a string."""
    value = params.get(key)
    if value is None or value == "":
        if default is None:
            raise bad_request(f"{key} is empty")
        return default
    try:
        return int(value)
    except (TypeError, ValueError):
        raise bad_request(f"invalid {key} specified") from None


def as_float(params: JSONDict, key: str) -> float:
    """Read a float parameter that may arrive as a string."""
    try:
        return float(params[key])
    except (KeyError, TypeError, ValueError):
        raise bad_request(f"invalid {key} specified") from None


def as_bool(params: JSONDict, key: str) -> bool:
    """Read a boolean parameter that may arrive as "true"/"false"."""
    value = params.get(key)
    if isinstance(value, str):
        return value.strip().lower() in ("true", "1", "yes")
    return bool(value)


def utf16_len(text: str) -> int:
    """Length in UTF-16 code units, the unit Telegram uses for entity offsets."""
    return len(text.encode("utf-16-le")) // 2


def plain_text(text: str, parse_mode: str | None) -> str:
    """Validate formatted text like Telegram does and return what the resident would read."""
    mode = (parse_mode or "").lower()
    if mode == "html":
        check_html(text)
        return html.unescape(_TAG_RE.sub("", text))
    if mode in ("markdown", "markdownv2"):
        return re.sub(r"\\(.)", r"\1", text)
    return text


def check_html(text: str) -> None:
    """Raise the "can't parse entities" error Telegram gives for bad HTML (stray '<', bad nesting)."""
    stack: list[str] = []
    pos = 0
    while (lt := text.find("<", pos)) != -1:
        match = _TAG_RE.match(text, lt)
        offset = len(text[:lt].encode())
        if not match or match.group(2).lower() not in _HTML_TAGS:
            name = match.group(2) if match else text[lt + 1 : lt + 2]
            raise bad_request(f'{_PARSE_ERROR}Unsupported start tag "{name}" at byte offset {offset}')
        tag = match.group(2).lower()
        if not match.group(1):
            stack.append(tag)
        elif not stack or stack.pop() != tag:
            raise bad_request(f'{_PARSE_ERROR}Unmatched end tag at byte offset {offset}, expected '
                              f'"</{stack[-1] if stack else ""}>", found "</{tag}>"')
        pos = match.end()
    if stack:
        raise bad_request(f'{_PARSE_ERROR}Can\'t find end tag corresponding to start tag "{stack[-1]}"')


def check_markup(markup: Any) -> JSONDict | None:
    """Validate reply_markup the way Telegram rejects common mistakes."""
    if markup is None or markup == "":
        return None
    if not isinstance(markup, dict):
        raise bad_request("can't parse reply keyboard markup JSON object")
    for row in markup.get("inline_keyboard") or []:
        for button in row:
            data = button.get("callback_data")
            if data is not None and not 1 <= len(str(data).encode()) <= MAX_CALLBACK_DATA_BYTES:
                raise bad_request("BUTTON_DATA_INVALID")
            if not str(button.get("text", "")):
                raise bad_request("text buttons are unallowed in the inline keyboard")
    return markup


@lru_cache(maxsize=64)  # the simulator's own work should not weigh on what benchmarks measure
def jpeg_bytes(width: int, height: int, color: tuple[int, int, int]) -> bytes:
    """A small real JPEG of the given size and colour."""
    buf = io.BytesIO()
    Image.new("RGB", (max(width, 1), max(height, 1)), color).save(buf, "JPEG", quality=40)
    return buf.getvalue()


def image_size(data: bytes) -> tuple[int, int]:
    """Pixel size of image bytes, or a typical phone photo size when they are not an image."""
    try:
        with Image.open(io.BytesIO(data)) as img:
            return img.size
    except Exception:
        return (1280, 960)


def scaled(size: tuple[int, int], max_side: int) -> tuple[int, int]:
    """Scale a size down so its longer side is at most max_side."""
    width, height = size
    factor = min(1.0, max_side / max(width, height, 1))
    return max(1, round(width * factor)), max(1, round(height * factor))


def now() -> int:
    """Unix time as Telegram dates are given."""
    return int(time.time())


def maybe_int(value: Any) -> int | None:
    """An int from an int or numeric string, else None."""
    try:
        return int(value)
    except (TypeError, ValueError):
        return None
