"""The conversation state's writes outside a turn: the choices an outbox message offered."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy.engine import Engine

from storage.turns import create_reporter, load_turn_state, offer_choices, save_turn_state

NOW = datetime(2026, 11, 23, 3, 0, tzinfo=UTC)
CHOICES = [["fixed:ADU-7K3M9Q:yes", "👍 Ya"], ["fixed:ADU-7K3M9Q:no", "👎 Belum"]]


def test_offered_choices_start_an_idle_conversation_or_join_the_one_under_way(engine: Engine) -> None:
    with engine.connect() as connection:
        fresh = create_reporter(connection, channel="whatsapp", external_id="+62811", chat_id="+62811",
                                profile_name=None, locale="id", now=NOW)
        busy = create_reporter(connection, channel="whatsapp", external_id="+62812", chat_id="+62812",
                               profile_name=None, locale="id", now=NOW)
        save_turn_state(connection, state=busy, step="intake", data={"draft": {"name": "Rina"}}, now=NOW)
        for state in (fresh, busy):
            assert state.reporter.id is not None
            offer_choices(connection, reporter_id=state.reporter.id, choices=CHOICES, now=NOW)
        connection.commit()
        loaded = [load_turn_state(connection, channel="whatsapp", external_id=user)
                  for user in ("+62811", "+62812")]
    assert [(s.step, s.data) for s in loaded if s is not None] == [
        ("idle", {"choices": CHOICES}),
        ("intake", {"draft": {"name": "Rina"}, "choices": CHOICES}),
    ]
