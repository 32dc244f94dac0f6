"""Two dispatchers on one database send each message once; one process runs the producers."""

from __future__ import annotations

import asyncio
import threading
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime

from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from scheduler.dispatcher import Dispatcher
from scheduler.leader import Leadership
from scheduler.sending import Outgoing
from storage.db import make_engine
from storage.models import Outbox
from storage.outbox import enqueue

NOW = datetime(2026, 11, 23, 5, 0, tzinfo=UTC)


@dataclass
class Recorder:
    channel: str = "telegram"
    got: list[int] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def deliver(self, message: Outgoing) -> str | None:
        await asyncio.sleep(0)
        with self.lock:
            self.got.append(message.id)
        return str(message.id)


async def test_two_processes_share_the_queue_without_sending_twice(store: Engine) -> None:
    with Session(store) as session:
        for n in range(300):
            enqueue(session, channel="telegram", chat_id=str(1000 + n), text=f"m{n}", kind="status",
                    dedupe_key=f"k{n}", due_at=NOW)
        session.commit()
    platform = Recorder()
    engines = [make_engine(store.url.render_as_string(hide_password=False)) for _ in range(2)]
    counts: list[int] = []

    def process(engine: Engine) -> None:  # each "process" has its own engine, thread and event loop
        dispatcher = Dispatcher(engine=engine, senders={"telegram": platform}, pacers={},
                                clock=lambda: NOW, batch_size=25)
        counts.append(asyncio.run(dispatcher.run_once()))

    threads = [threading.Thread(target=process, args=(engine,)) for engine in engines]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    for engine in engines:
        engine.dispose()
    assert sorted(Counter(platform.got).values()) == [1] * 300
    assert sum(counts) == 300
    with Session(store) as session:
        assert {row.status for row in session.exec(select(Outbox))} == {"sent"}


def test_one_process_holds_the_producers_lock(store: Engine) -> None:
    url = store.url.render_as_string(hide_password=False)
    first, second = Leadership(make_engine(url)), Leadership(make_engine(url))
    try:
        if store.dialect.name != "postgresql":
            assert first.is_leader() and second.is_leader()  # SQLite: one process per file anyway
            return
        assert first.is_leader()
        assert not second.is_leader()
        assert first.is_leader()  # still held, on its own connection
        first.release()
        assert second.is_leader()
        assert not first.is_leader()
    finally:
        first.release()
        second.release()
        first.engine.dispose()
        second.engine.dispose()


