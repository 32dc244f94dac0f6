"""Privacy test helpers: every trace of a resident anywhere in the schema, found by walking the metadata."""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import SQLModel

import storage.models
import storage.privacy_records  # noqa: F401


def traces(engine: Engine, *, texts: Iterable[str] = (),
           ids: Iterable[str] = ()) -> list[tuple[str, str, str]]:
    """(table, column, value) of every stored value holding one of `texts` (any case) or `ids` (whole).

    Every column of every table is read, whatever its type: nothing depends on knowing where
    personal data could be. Only the working-day calendar is left out: its running day counts are
    numbers the service makes from the date alone (`501` is a count there, not a chat).
    """
    patterns = [re.compile(re.escape(t), re.IGNORECASE) for t in texts]
    patterns += [re.compile(rf"(?<![0-9]){re.escape(i)}(?![0-9])") for i in ids]
    found: list[tuple[str, str, str]] = []
    with engine.connect() as connection:
        for table in SQLModel.metadata.sorted_tables:
            if table.name == "workday":
                continue
            for row in connection.execute(sa.select(table)).mappings():
                for column, value in row.items():
                    shown = str(value)
                    if value is not None and any(p.search(shown) for p in patterns):
                        found.append((table.name, column, shown[:80]))
    return found


def files_under(folder: Path) -> set[str]:
    """The stored files under a media folder, relative to it."""
    return {p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()}
