"""How the long-running processes treat the memory they load at startup."""

from __future__ import annotations

import gc


def freeze_startup_objects() -> None:
    """Keep what startup loaded out of every later garbage collection (`gc.freeze`).

    The Telegram libraries' pydantic models and the ORM's mappings are a few hundred thousand objects
    that live as long as the process; without this, each full collection walks all of them again.
    """
    gc.collect()
    gc.freeze()
