"""The contract between the outbox dispatcher and each channel's sender."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal, Protocol

from handlers.messages import Button

FailureKind = Literal["retry", "rate_limited", "permanent", "unreachable"]


@dataclass(frozen=True, slots=True)
class Outgoing:
    """One outbox message as a sender needs it."""

    id: int
    channel: str
    chat_id: str
    kind: str
    text: str
    buttons: tuple[tuple[Button, ...], ...] = ()
    template: dict[str, str] | None = None
    reporter_id: int | None = None
    last_inbound_at: datetime | None = None
    photo_path: str | None = None


class SendFailure(Exception):
    """A send that did not go through, and what the dispatcher should do about it.

    retry: transient (network, 5xx): back off and try again.
    rate_limited: the platform asked to wait `retry_after` seconds before the next send.
    permanent: this message can never go (bad request); mark it failed.
    unreachable: the recipient cannot be reached any more (blocked the bot, unsubscribed):
        mark the message failed and the reporter unreachable.
    """

    def __init__(self, kind: FailureKind, detail: str, *, retry_after: float | None = None,
                 code: str | None = None) -> None:
        super().__init__(detail)
        self.kind: FailureKind = kind
        self.detail = detail
        self.retry_after = retry_after
        self.code = code


class Sender(Protocol):
    """Sends outbox messages on one channel."""

    channel: str

    async def deliver(self, message: Outgoing) -> str | None:
        """Send `message`; return the platform's message id, or raise SendFailure."""
        ...
