"""How the long-running processes treat the memory they load at startup."""

from __future__ import annotations

import gc

# Young-generation collections: every this many new container objects, instead of Python's default 700.
# Serving an update creates a few hundred short-lived objects (parsed updates, rows, replies), nearly all
# freed by reference counting; with the default a collection ran every two or three messages. At 10,000
# a batch of updates under way (200 residents' turns, requests and parsed updates) crossed it about
# every 60 updates, and each collection walked those objects that were about to be freed anyway: 5 to
# 9 ms each, about 7% of the intake's CPU. At 50,000 such bursts stay below it.
YOUNG_COLLECTION_EVERY = 50_000


def freeze_startup_objects() -> None:
    """Keep what startup loaded out of later garbage collections (`gc.freeze`), and collect less often.

    The Telegram libraries' pydantic models and the ORM's mappings are a few hundred thousand objects
    that live as long as the process; without this, each full collection walks all of them again.
    """
    gc.collect()
    gc.freeze()
    _young, middle, old = gc.get_threshold()
    gc.set_threshold(YOUNG_COLLECTION_EVERY, middle, old)
