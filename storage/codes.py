"""Tracking codes: `<PREFIX>-XXXXXX` in Crockford base32, forgiving of how people type them."""

from __future__ import annotations

import re
import secrets

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
LENGTH = 6
_CONFUSABLE = str.maketrans({"O": "0", "I": "1", "L": "1"})


def new_code(prefix: str) -> str:
    """A fresh random code with `prefix`."""
    return f"{prefix}-" + "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))


def normalize(text: str, prefix: str) -> str | None:
    """The canonical code a person meant, or None when `text` cannot be one.

    Case, spaces, dashes and the look-alikes O/0 and I/L/1 do not matter; the prefix may be left out.
    """
    compact = re.sub(r"[\s\-_.]", "", text.upper())
    if compact.startswith(prefix):
        compact = compact[len(prefix):]
    body = compact.translate(_CONFUSABLE)
    if len(body) != LENGTH or any(ch not in ALPHABET for ch in body):
        return None
    return f"{prefix}-{body}"

