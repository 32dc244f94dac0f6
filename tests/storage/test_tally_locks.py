"""Turns moving complaints in opposite directions at once never deadlock on the tally rows they share.

Each write of a complaint changes two rows of each tally (the old key's count down, the new one's up);
the triggers take them in key order, so two single-complaint transactions cannot wait on each other in a
circle. The old triggers took the old row first: ten seconds of this load saw about nine deadlocks.
And instances starting together on a fresh database keep the tallies one at a time.
"""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime

import sqlalchemy as sa

from bench.seed import seed
from handlers.workdays import WorkCalendar
from scheduler_helpers import postgres_database
from storage.db import make_engine, upgrade
from storage.tallies import keep_tallies

SECONDS = 4


def test_opposite_moves_of_one_days_complaints_never_deadlock() -> None:
    urls = postgres_database()
    engine = make_engine(next(urls))
    try:
        upgrade(engine)
        seed(engine, complaints=80, now=datetime(2026, 11, 20, 3, tzinfo=UTC))
        assert keep_tallies(engine, timezone="Asia/Jakarta",
                            is_working_day=WorkCalendar("Asia/Jakarta").is_working_day)
        with engine.begin() as connection:  # one day, agency and category: every move shares tally rows
            connection.execute(sa.text("UPDATE complaint SET created_at = '2026-11-10 03:00', agency_id = 1, "
                                       "category = 'waste', status = CASE WHEN id % 2 = 0 THEN 'received' "
                                       "ELSE 'verified' END"))
            ids = [row[0] for row in connection.execute(sa.text("SELECT id FROM complaint ORDER BY id"))]
        failures: list[BaseException] = []

        def move(mine: list[int], there: str, back: str) -> None:
            deadline = time.monotonic() + SECONDS
            try:
                while time.monotonic() < deadline:
                    for complaint_id in mine:
                        for status in (there, back):
                            with engine.begin() as connection:
                                connection.execute(sa.text("UPDATE complaint SET status = :s WHERE id = :i"),
                                                   {"s": status, "i": complaint_id})
            except sa.exc.OperationalError as exc:
                failures.append(exc)

        workers = [threading.Thread(target=move, args=(ids[0::2], "verified", "received")),
                   threading.Thread(target=move, args=(ids[1::2], "received", "verified"))]
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join()
        assert not failures, failures[0]
    finally:
        engine.dispose()
        for _rest in urls:
            pass


def test_instances_starting_together_keep_the_tallies_one_at_a_time() -> None:
    urls = postgres_database()
    engine = make_engine(next(urls))
    try:
        upgrade(engine)
        calendar = WorkCalendar("Asia/Jakarta").is_working_day
        start = threading.Barrier(3)
        failures: list[BaseException] = []

        def instance() -> None:  # what every `aduan run` does at start, on a fresh database
            start.wait()
            try:
                keep_tallies(engine, timezone="Asia/Jakarta", is_working_day=calendar)
            except sa.exc.DBAPIError as exc:
                failures.append(exc)

        workers = [threading.Thread(target=instance) for _ in range(3)]
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join()
        assert not failures, failures[0]
        with engine.connect() as connection:
            days = connection.execute(sa.text("SELECT count(*), count(DISTINCT day) FROM workday")).one()
        assert days[0] == days[1] > 365
    finally:
        engine.dispose()
        for _rest in urls:
            pass
