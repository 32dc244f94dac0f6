"""The simulator's update queue: what residents do waits here until the bot polls (getUpdates) for it."""

from __future__ import annotations

import asyncio
import json

from bot.simulator.objects import JSONDict, as_bool, as_float, as_int

MAX_POLL_SECONDS = 30.0


class UpdateQueue:
    """Updates waiting for the bot, redeliveries, and the long poll that hands them out."""

    def __init__(self) -> None:
        self._updates: list[JSONDict] = []
        self._replays: list[JSONDict] = []
        self._next_update_id = 10_001
        self._allowed: set[str] | None = None
        self._changed = asyncio.Condition()
        self._closing = False

    async def replay(self, update: JSONDict) -> None:
        """Deliver an identical update (same update_id) again, as Telegram does after a lost confirmation."""
        async with self._changed:
            self._replays.append(json.loads(json.dumps(update)))
            self._changed.notify_all()

    @property
    def pending_updates(self) -> int:
        """Updates queued and not yet confirmed by the bot."""
        return len(self._updates) + len(self._replays)

    async def _notify(self) -> None:
        async with self._changed:
            self._changed.notify_all()

    async def _enqueue(self, body: JSONDict) -> JSONDict:
        # A snapshot, so later edits of a stored message do not change an update still in the queue.
        update: JSONDict = {"update_id": self._next_update_id, **json.loads(json.dumps(body))}
        self._next_update_id += 1
        # Telegram never creates updates of types the bot did not subscribe to.
        if self._allowed is None or next(iter(body)) in self._allowed:
            async with self._changed:
                self._updates.append(update)
                self._changed.notify_all()
        return update

    def _confirm(self, offset: int) -> None:
        if offset > 0:
            self._updates = [u for u in self._updates if u["update_id"] >= offset]
        elif offset < 0:
            self._updates = self._updates[offset:]

    async def _get_updates(self, p: JSONDict) -> list[JSONDict]:
        allowed = p.get("allowed_updates")
        if isinstance(allowed, list):
            self._allowed = {str(a) for a in allowed} or None
        self._confirm(as_int(p, "offset", 0))
        limit = min(max(as_int(p, "limit", 100), 1), 100)
        timeout = min(max(as_float(p, "timeout") if p.get("timeout") else 0.0, 0.0), MAX_POLL_SECONDS)
        if timeout > 0:
            try:
                async with asyncio.timeout(timeout), self._changed:
                    await self._changed.wait_for(lambda: self._closing or self.pending_updates > 0)
            except TimeoutError:
                pass
        batch = (self._replays + self._updates)[:limit]
        self._replays = self._replays[len(batch):]
        return batch

    async def _delete_webhook(self, p: JSONDict) -> bool:
        if as_bool(p, "drop_pending_updates"):
            self._updates.clear()
        return True

    async def _get_webhook_info(self, p: JSONDict) -> JSONDict:
        return {"url": "", "has_custom_certificate": False, "pending_update_count": self.pending_updates}
