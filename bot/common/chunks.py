"""Long texts cut into the pieces a chat platform accepts."""

from __future__ import annotations


def split_text(text: str, limit: int) -> list[str]:
    """`text` cut into pieces of at most `limit` characters, at line breaks where possible."""
    pieces: list[str] = []
    while len(text) > limit:
        cut = text.rfind("\n", 0, limit)
        cut = cut if cut > limit // 2 else limit
        pieces.append(text[:cut])
        text = text[cut:].lstrip("\n")
    return [*pieces, text]
