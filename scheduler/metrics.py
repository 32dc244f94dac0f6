"""The scheduler's Prometheus metrics (module-level, in the default registry, for a /metrics page)."""

from __future__ import annotations

from prometheus_client import Counter, Histogram

OUTBOX_SENT = Counter("aduan_outbox_sent", "Outbox messages the platform accepted", ["channel"])
OUTBOX_LEASE_EXPIRED_MID_SEND = Counter(
    "aduan_outbox_lease_expired_mid_send",
    "Outbox messages whose lease expired while they were being sent (the process stopped between the "
    "start of the send and the commit that records it): sent again, so the recipient may get them twice")
OUTBOX_UNRECORDED_SECONDS = Histogram(
    "aduan_outbox_unrecorded_seconds",
    "Time from the platform's answer to the commit that records a send (the window for a repeat)",
    buckets=(0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1.0))
