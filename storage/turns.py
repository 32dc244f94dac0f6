"""The state one conversation turn reads and writes, in one statement each way (Core: the hot path).

Every inbound message loads the reporter with their conversation and saves both back. Through the
ORM that cost several milliseconds per message; these prebuilt Core statements hit SQLAlchemy's
compiled cache and skip the identity map, while the flows keep the ORM for everything else. This
module is the conversation row's one writer, also for the choices an outbox message offers.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from storage.models import Conversation, ProcessedEvent, Reporter
from storage.prepared import Prepared
from storage.reporters import IDLE
from storage.rows import detached

_REPORTER: sa.Table = Reporter.__table__  # type: ignore[attr-defined]
_CONVERSATION: sa.Table = Conversation.__table__  # type: ignore[attr-defined]
_PROCESSED: sa.Table = ProcessedEvent.__table__  # type: ignore[attr-defined]
_REPORTER_COLUMNS = tuple(c.name for c in _REPORTER.columns)

_LOAD = Prepared(
    sa.select(*_REPORTER.columns, _CONVERSATION.c.id.label("conversation_id"),
              _CONVERSATION.c.step.label("conversation_step"),
              _CONVERSATION.c.data.label("conversation_data"))
    .select_from(_REPORTER.outerjoin(_CONVERSATION, _CONVERSATION.c.reporter_id == _REPORTER.c.id))
    .where(_REPORTER.c.channel == sa.bindparam("channel"),
           _REPORTER.c.external_id == sa.bindparam("external_id"))
)
_SEEN = Prepared(sa.select(_PROCESSED.c.event_id).where(
    _PROCESSED.c.channel == sa.bindparam("channel"), _PROCESSED.c.event_id == sa.bindparam("event_id")))
_CLAIM = Prepared(_PROCESSED.insert().values(
    channel=sa.bindparam("channel"), event_id=sa.bindparam("event_id"),
    created_at=sa.bindparam("created_at")))
_INSERT_REPORTER = _REPORTER.insert()
_INSERT_CONVERSATION = Prepared(_CONVERSATION.insert().values(
    reporter_id=sa.bindparam("reporter_id"), step=sa.bindparam("step"), data=sa.bindparam("data"),
    updated_at=sa.bindparam("updated_at")))
_CONVERSATION_OF = sa.select(_CONVERSATION.c.id, _CONVERSATION.c.step, _CONVERSATION.c.data).where(
    _CONVERSATION.c.reporter_id == sa.bindparam("reporter_id"))
# A resident erased meanwhile (`aduan privacy erase` while they were writing) stays a tombstone.
_UPDATE_REPORTER = _REPORTER.update().where(_REPORTER.c.id == sa.bindparam("reporter_key"),
                                            _REPORTER.c.erased_at.is_(None))
_UPDATE_CONVERSATION = Prepared(
    _CONVERSATION.update().where(_CONVERSATION.c.id == sa.bindparam("conversation_id"))
    .values(step=sa.bindparam("step"), data=sa.bindparam("data"), updated_at=sa.bindparam("updated_at"))
)


@dataclass
class TurnState:
    """A reporter (in no session) and their conversation, as loaded for one turn."""

    reporter: Reporter
    step: str = IDLE
    data: dict[str, Any] = field(default_factory=dict)
    conversation_id: int | None = None
    loaded: dict[str, Any] = field(default_factory=dict)


def _reporter(values: dict[str, Any]) -> Reporter:
    return detached(Reporter, values)


def load_turn_state(connection: Connection, *, channel: str, external_id: str) -> TurnState | None:
    """The reporter known by this channel's user id with their conversation, or None if unknown."""
    row = _LOAD.first(connection, {"channel": channel, "external_id": external_id})
    if row is None:
        return None
    values = dict(zip(_LOAD.keys, row, strict=True))
    loaded = {name: values[name] for name in _REPORTER_COLUMNS}
    conversation_id = values["conversation_id"]
    if conversation_id is None:
        return TurnState(reporter=_reporter(loaded), loaded=loaded)
    return TurnState(reporter=_reporter(loaded), loaded=loaded, conversation_id=conversation_id,
                     step=values["conversation_step"], data=dict(values["conversation_data"] or {}))


def create_reporter(
    connection: Connection, *, channel: str, external_id: str, chat_id: str, profile_name: str | None,
    locale: str, now: datetime,
) -> TurnState:
    """A new reporter (their first message came `now`) with an empty conversation.

    Raises IntegrityError if another process was first.
    """
    loaded: dict[str, Any] = {"channel": channel, "external_id": external_id, "chat_id": chat_id,
              "profile_name": profile_name, "locale": locale, "consent_at": None, "last_inbound_at": now,
              "unreachable_at": None, "opted_out_at": None, "erased_at": None, "created_at": now,
              "updated_at": now}
    result = connection.execute(_INSERT_REPORTER, loaded)
    key = result.inserted_primary_key
    assert key is not None
    loaded["id"] = key[0]
    return TurnState(reporter=_reporter(loaded), loaded=loaded)


def seen_before(connection: Connection, *, channel: str, event_ids: Iterable[str]) -> bool:
    """Whether any of these deliveries was handled before."""
    return any(_SEEN.first(connection, {"channel": channel, "event_id": event_id}) is not None
               for event_id in event_ids)


def claim_events(connection: Connection, *, channel: str, event_ids: Iterable[str], now: datetime) -> None:
    """Remember these deliveries; raises IntegrityError when one of them was handled before."""
    for event_id in event_ids:  # one, but for an album
        _CLAIM.run(connection, {"channel": channel, "event_id": event_id, "created_at": now})


def save_turn_state(
    connection: Connection, *, state: TurnState, step: str, data: dict[str, Any], now: datetime
) -> None:
    """Store the conversation's new step and data, and whatever the turn changed on the reporter."""
    reporter = state.reporter
    changed = {name: getattr(reporter, name) for name in _REPORTER_COLUMNS
               if getattr(reporter, name) != state.loaded[name]}
    if changed:  # the SET clause is the changed columns (SQLAlchemy caches one statement per set)
        connection.execute(_UPDATE_REPORTER, {"reporter_key": reporter.id, **changed})
    if state.conversation_id is None:
        _INSERT_CONVERSATION.run(connection, {"reporter_id": reporter.id, "step": step, "data": data,
                                              "updated_at": now})
    else:
        _UPDATE_CONVERSATION.run(connection, {"conversation_id": state.conversation_id, "step": step,
                                              "data": data, "updated_at": now})


def offer_choices(
    connection: Connection, *, reporter_id: int, choices: list[list[str]], now: datetime
) -> None:
    """Remember the (data, label) choices just offered to a reporter, for a typed number or label.

    For messages sent outside a turn (the outbox): the conversation's step and other data stay as they are.
    """
    row = connection.execute(_CONVERSATION_OF, {"reporter_id": reporter_id}).first()
    if row is None:
        _INSERT_CONVERSATION.run(connection, {"reporter_id": reporter_id, "step": IDLE,
                                              "data": {"choices": choices}, "updated_at": now})
        return
    _UPDATE_CONVERSATION.run(connection, {"conversation_id": row.id, "step": row.step,
                                          "data": {**(row.data or {}), "choices": choices},
                                          "updated_at": now})
