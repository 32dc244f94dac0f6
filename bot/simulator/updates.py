"""The simulator's update queue: updates wait for getUpdates, or are POSTed to the webhook the bot set.

With a webhook (setWebhook), updates go out as Telegram sends them: JSON POSTs carrying the secret in
`X-Telegram-Bot-Api-Secret-Token`, up to `max_connections` at once, one chat's updates one after another
(the next only after a 2xx for the previous), and a failed delivery is retried and shows in
getWebhookInfo's `last_error_date` / `last_error_message`. Only loopback URLs are accepted.
"""

from __future__ import annotations

import asyncio
import json
import time
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import aiohttp

from bot.simulator.objects import ApiError, JSONDict, as_bool, as_float, as_int, bad_request

MAX_POLL_SECONDS = 30.0
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"  # noqa: S105  (a header name)


@dataclass
class _Webhook:
    url: str
    secret: str | None
    max_connections: int
    in_flight: set[str] = field(default_factory=set)
    tasks: set[asyncio.Task[None]] = field(default_factory=set)
    last_error_date: int | None = None
    last_error_message: str | None = None
    delivered: int = 0


def _chat_key(update: JSONDict) -> str:
    for kind in ("message", "edited_message", "callback_query"):
        part = update.get(kind)
        if isinstance(part, dict) and isinstance(part.get("from"), dict):
            return str(part["from"].get("id"))
    return f"update:{update.get('update_id')}"


class UpdateQueue:
    """Updates waiting for the bot, redeliveries, the long poll, and webhook delivery."""

    webhook_retry_delay = 0.2  # Telegram waits longer; tests need it short

    def __init__(self) -> None:
        self._updates: list[JSONDict] = []
        self._replays: list[JSONDict] = []
        self._next_update_id = 10_001
        self._allowed: set[str] | None = None
        self._changed = asyncio.Condition()
        self._closing = False
        self._webhook: _Webhook | None = None
        self._pusher: asyncio.Task[None] | None = None

    async def replay(self, update: JSONDict) -> None:
        """Deliver an identical update (same update_id) again, as Telegram does after a lost confirmation."""
        async with self._changed:
            self._replays.append(json.loads(json.dumps(update)))
            self._changed.notify_all()

    @property
    def pending_updates(self) -> int:
        """Updates queued and not yet confirmed by the bot (or, with a webhook, not yet answered 2xx)."""
        in_flight = len(self._webhook.in_flight) if self._webhook is not None else 0
        return len(self._updates) + len(self._replays) + in_flight

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

    def _subscribe(self, p: JSONDict) -> None:
        allowed = p.get("allowed_updates")
        if isinstance(allowed, str):
            allowed = json.loads(allowed)
        if isinstance(allowed, list):
            self._allowed = {str(a) for a in allowed} or None

    async def _get_updates(self, p: JSONDict) -> list[JSONDict]:
        if self._webhook is not None:
            raise ApiError(409, "Conflict: can't use getUpdates method while webhook is active; use "
                                "deleteWebhook to delete the webhook first")
        self._subscribe(p)
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

    # -- webhooks ------------------------------------------------------------------------------------

    async def _set_webhook(self, p: JSONDict) -> bool:
        url = str(p.get("url") or "")
        if not url:
            return await self._delete_webhook(p)
        host = urlsplit(url).hostname or ""
        if host not in ("127.0.0.1", "localhost", "::1"):
            raise bad_request("bad webhook: the simulator delivers only to loopback URLs")
        secret = p.get("secret_token")
        if secret is not None and not (1 <= len(str(secret)) <= 256):
            raise bad_request("secret token is invalid")
        self._subscribe(p)
        if as_bool(p, "drop_pending_updates"):
            self._updates.clear()
        old = self._webhook
        self._webhook = _Webhook(url, None if secret is None else str(secret),
                                 min(max(as_int(p, "max_connections", 40), 1), 100))
        if old is not None:
            self._webhook.in_flight = old.in_flight
            self._webhook.tasks = old.tasks
        if self._pusher is None or self._pusher.done():
            self._pusher = asyncio.create_task(self._push())
        await self._notify()
        return True

    async def _delete_webhook(self, p: JSONDict) -> bool:
        if as_bool(p, "drop_pending_updates"):
            self._updates.clear()
        self._webhook = None
        await self._notify()
        return True

    async def _get_webhook_info(self, p: JSONDict) -> JSONDict:
        hook = self._webhook
        info: JSONDict = {"url": hook.url if hook else "", "has_custom_certificate": False,
                          "pending_update_count": self.pending_updates}
        if hook is not None:
            info["max_connections"] = hook.max_connections
            if self._allowed is not None:
                info["allowed_updates"] = sorted(self._allowed)
            if hook.last_error_date is not None:
                info["last_error_date"] = hook.last_error_date
                info["last_error_message"] = hook.last_error_message
        return info

    def _deliverable(self, hook: _Webhook) -> JSONDict | None:
        if len(hook.in_flight) >= hook.max_connections:
            return None
        for queue in (self._replays, self._updates):
            for update in queue:
                if _chat_key(update) not in hook.in_flight:
                    queue.remove(update)
                    return update
        return None

    async def _push(self) -> None:
        async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=60)) as http:
            while True:
                async with self._changed:
                    await self._changed.wait_for(lambda: self._closing or self._webhook is None
                                                 or self._deliverable_peek())
                    hook = self._webhook
                    if self._closing or hook is None:
                        break
                    update = self._deliverable(hook)
                    if update is None:
                        continue
                    hook.in_flight.add(_chat_key(update))
                task = asyncio.create_task(self._deliver(http, hook, update))
                hook.tasks.add(task)
                task.add_done_callback(hook.tasks.discard)
            tasks = set(self._webhook.tasks) if self._webhook else set()
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)

    def _deliverable_peek(self) -> bool:
        hook = self._webhook
        if hook is None or len(hook.in_flight) >= hook.max_connections:
            return False
        return any(_chat_key(u) not in hook.in_flight for u in (*self._replays, *self._updates))

    async def _deliver(self, http: aiohttp.ClientSession, hook: _Webhook, update: JSONDict) -> None:
        headers = {SECRET_HEADER: hook.secret} if hook.secret is not None else {}
        try:
            while not self._closing and self._webhook is hook:
                try:
                    async with http.post(hook.url, json=update, headers=headers) as response:
                        if 200 <= response.status < 300:
                            hook.delivered += 1
                            return
                        error = f"Wrong response from the webhook: {response.status} {response.reason}"
                except (aiohttp.ClientError, TimeoutError) as exc:
                    error = f"Connection failed: {type(exc).__name__}"
                hook.last_error_date, hook.last_error_message = int(time.time()), error
                await asyncio.sleep(self.webhook_retry_delay)
            self._replays.insert(0, update)  # the webhook went away: the update waits for the next one
        finally:
            hook.in_flight.discard(_chat_key(update))
            await self._notify()

    async def webhook_delivered(self, count: int, timeout: float = 60.0) -> None:  # noqa: ASYNC109
        """Wait until at least `count` updates were delivered to the webhook (answered 2xx)."""
        async with asyncio.timeout(timeout), self._changed:
            await self._changed.wait_for(lambda: self._webhook is not None
                                         and self._webhook.delivered >= count)

    async def webhook_idle(self, timeout: float = 30.0) -> None:  # noqa: ASYNC109
        """Wait until every update was delivered to the webhook (answered 2xx)."""
        async with asyncio.timeout(timeout), self._changed:
            await self._changed.wait_for(lambda: self.pending_updates == 0)

    async def _stop_webhook(self) -> None:
        if self._pusher is not None:
            await self._notify()
            await asyncio.gather(self._pusher, return_exceptions=True)
            self._pusher = None
