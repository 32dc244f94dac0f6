"""Fetching and cleaning the photos of a message before its turn is decided."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Iterable

from handlers.messages import Attachment
from handlers.turn import PreparedPhoto
from storage.media import MediaStore, PhotoRejected, clean_photo

log = logging.getLogger(__name__)

Fetcher = Callable[[Attachment], Awaitable[bytes]]


class MediaUnavailable(Exception):
    """The channel could not hand over a file (too big for its API, gone, network trouble)."""

    def __init__(self, reason: str = "unavailable") -> None:
        super().__init__(reason)
        self.reason = reason


async def _prepare_one(
    attachment: Attachment, *, fetch: Fetcher, store: MediaStore, max_bytes: int
) -> PreparedPhoto:
    if attachment.size is not None and attachment.size > max_bytes:
        return PreparedPhoto(problem="too_large")
    try:
        data = await fetch(attachment)
    except MediaUnavailable as exc:
        return PreparedPhoto(problem=exc.reason)
    except Exception:
        log.warning("could not fetch an attachment", exc_info=True)
        return PreparedPhoto(problem="unavailable")
    try:  # one trip to a worker thread: decoding a large photo must not hold up other residents
        return await asyncio.to_thread(_clean_and_store, data, store=store, max_bytes=max_bytes)
    except PhotoRejected as exc:
        return PreparedPhoto(problem=exc.reason)


def _clean_and_store(data: bytes, *, store: MediaStore, max_bytes: int) -> PreparedPhoto:
    clean = clean_photo(data, max_bytes=max_bytes)
    return PreparedPhoto(stored=store.save(clean), gps=clean.gps)


async def prepare(
    attachments: Iterable[Attachment], *, fetch: Fetcher, store: MediaStore, max_bytes: int
) -> dict[str, PreparedPhoto]:
    """Fetch, check and store every attachment at once; the result is keyed by reference."""
    unique = {a.ref: a for a in attachments}
    results = await asyncio.gather(*(
        _prepare_one(a, fetch=fetch, store=store, max_bytes=max_bytes) for a in unique.values()
    ))
    return dict(zip(unique, results, strict=True))
