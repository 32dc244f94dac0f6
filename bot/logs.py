"""Logging set-up: text or JSON lines, secrets (bot tokens, auth tokens) and phone numbers kept out."""

from __future__ import annotations

import contextlib
import json
import logging
import re
from collections.abc import Iterable, Iterator
from contextvars import ContextVar
from datetime import UTC, datetime

REDACTED = "[REDACTED]"
PHONE = "[PHONE]"
# Indonesian mobile numbers (+62 8…, 62 8…, 08…) and any other international number after a "+".
_PHONES = re.compile(r"(?<![\w.])(?:\+?62|0)8\d{7,12}\b|\+\d{9,15}\b")
# The event's channel and complaint code, for the JSON lines (set around a turn or a send).
LOG_CONTEXT: ContextVar[dict[str, str] | None] = ContextVar("aduan_log_context", default=None)


@contextlib.contextmanager
def log_context(**fields: str) -> Iterator[None]:
    """Add `fields` (channel, complaint) to every record logged inside the block."""
    token = LOG_CONTEXT.set({**(LOG_CONTEXT.get() or {}), **fields})
    try:
        yield
    finally:
        LOG_CONTEXT.reset(token)


class RedactSecrets(logging.Filter):
    """Replaces every configured secret, and any phone number, in a record's final message."""

    def __init__(self, secrets: Iterable[str]) -> None:
        super().__init__()
        self.secrets = [s for s in secrets if len(s) >= 6]

    def _clean(self, text: str) -> str:
        for secret in self.secrets:
            text = text.replace(secret, REDACTED)
        return _PHONES.sub(PHONE, text)

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg, record.args = self._clean(record.getMessage()), None
        if record.exc_info and record.exc_info[1] is not None:
            text = logging.Formatter().formatException(record.exc_info)
            record.exc_text, record.exc_info = self._clean(text), None
        for name, value in (LOG_CONTEXT.get() or {}).items():
            if not hasattr(record, name):
                setattr(record, name, value)
        return True


class JsonLines(logging.Formatter):
    """One JSON object per record: time, level, logger, message, and channel/complaint when known."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, object] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname, "logger": record.name, "message": record.getMessage()}
        for name in ("channel", "complaint"):
            value = getattr(record, name, None)
            if value is not None:
                entry[name] = value
        if record.exc_text:
            entry["exception"] = record.exc_text
        elif record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)


def setup_logging(level: str, secrets: Iterable[str], log_format: str = "text") -> None:
    """Log to stderr at `level` as text or JSON lines, with secrets redacted and chatty loggers quietened."""
    handler = logging.StreamHandler()
    handler.setFormatter(JsonLines() if log_format == "json"
                         else logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.addFilter(RedactSecrets(secrets))
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level.upper())
    # httpx logs every request URL at INFO, and Bot API URLs contain the token.
    for noisy in ("httpx", "httpcore", "telegram.ext.Updater", "aiohttp.access", "alembic"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
