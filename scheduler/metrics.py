"""Every Prometheus metric Aduan exports, defined once; the database figures are read at each scrape."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import datetime

from prometheus_client import Counter, Histogram
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector
from sqlalchemy.engine import Engine

from handlers.messages import Inbound
from scheduler.sending import FailureKind, Outgoing, Sender, SendFailure
from storage.snapshot import take_snapshot

UPDATES = Counter("aduan_updates_received", "Inbound updates received, by channel and kind",
                  ["channel", "kind"])
TURN_SECONDS = Histogram("aduan_turn_seconds", "Time to handle one inbound message (a turn), by channel",
                         ["channel"], buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10))
REPLIES = Counter("aduan_replies_sent", "Immediate replies sent to residents, by result", ["result"])
SENDS = Counter("aduan_outbox_sends", "Outbox sends by channel and result (ok, retry, 429, blocked, failed)",
                ["channel", "result"])
# The outbox's own (issue 17): sends accepted, and the window in which a repeat is possible.
OUTBOX_SENT = Counter("aduan_outbox_sent", "Outbox messages the platform accepted", ["channel"])
OUTBOX_LEASE_EXPIRED_MID_SEND = Counter(
    "aduan_outbox_lease_expired_mid_send",
    "Outbox messages whose lease expired while they were being sent (the process stopped between the "
    "start of the send and the commit that records it): sent again, so the recipient may get them twice")
OUTBOX_UNRECORDED_SECONDS = Histogram(
    "aduan_outbox_unrecorded_seconds",
    "Time from the platform's answer to the commit that records a send (the window for a repeat)",
    buckets=(0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1.0))
_RESULTS: dict[FailureKind, str] = {"retry": "retry", "rate_limited": "429", "unreachable": "blocked",
                                    "permanent": "failed"}


def count_update(msg: Inbound) -> None:
    """Count one inbound message by channel and kind (command, choice, photo, location, text, other)."""
    kind = ("command" if msg.command else "choice" if msg.choice else "photo" if msg.attachments
            else "location" if msg.location else "text" if msg.text else "other")
    UPDATES.labels(msg.channel, kind).inc()


def count_reply(result: str) -> None:
    """Count one immediate reply's send attempt (ok, 429, blocked)."""
    REPLIES.labels(result).inc()


class CountedSender:
    """A channel's outbox sender whose every result is counted."""

    def __init__(self, sender: Sender) -> None:
        self.sender = sender
        self.channel = sender.channel

    async def deliver(self, message: Outgoing) -> str | None:
        """Send through the wrapped sender, counting the result."""
        try:
            provider_id = await self.sender.deliver(message)
        except SendFailure as failure:
            SENDS.labels(self.channel, _RESULTS[failure.kind]).inc()
            raise
        except Exception:
            SENDS.labels(self.channel, "retry").inc()
            raise
        SENDS.labels(self.channel, "ok").inc()
        return provider_id


class DatabaseCollector(Collector):
    """Outbox depth, complaints by status, the oldest unverified complaint and deadline breaches."""

    def __init__(self, engine: Engine, clock: Callable[[], datetime]) -> None:
        self.engine = engine
        self.clock = clock

    def collect(self) -> Iterator[GaugeMetricFamily]:
        """Read the figures now (called at each scrape)."""
        snap = take_snapshot(self.engine, now=self.clock())
        outbox = GaugeMetricFamily("aduan_outbox_messages", "Outbox messages by channel and status",
                                   labels=["channel", "status"])
        for (channel, status), count in sorted(snap.outbox.items()):
            outbox.add_metric([channel, status], count)
        complaints = GaugeMetricFamily("aduan_complaints", "Complaints by status", labels=["status"])
        for status, count in sorted(snap.complaints.items()):
            complaints.add_metric([status], count)
        yield outbox
        yield complaints
        yield GaugeMetricFamily("aduan_oldest_unverified_complaint_seconds",
                                "Age of the oldest complaint still waiting for verification",
                                value=snap.oldest_unverified_seconds)
        yield GaugeMetricFamily("aduan_deadline_breaches", "Open complaints past their running deadline",
                                value=snap.deadline_breaches)
        inbox = GaugeMetricFamily("aduan_webhook_inbox_depth", "Webhook messages stored and not yet handled",
                                  labels=["channel"])
        for channel in sorted({"telegram", "whatsapp", *snap.inbox_depth}):
            inbox.add_metric([channel], snap.inbox_depth.get(channel, 0))
        yield inbox
