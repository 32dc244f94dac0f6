"""The guard that keeps tests on loopback is in place and tells loopback from the rest."""

from __future__ import annotations

import asyncio
import socket

import pytest
from network_guard import guarded_connect, guarded_sock_connect, is_loopback


@pytest.mark.parametrize(("address", "allowed"), [
    (("127.0.0.1", 80), True), (("127.8.9.10", 80), True), (("::1", 80, 0, 0), True),
    (("localhost", 80), True), ("/tmp/socket", True),
    (("10.1.2.3", 80), False), (("192.168.1.1", 80), False), (("8.8.8.8", 53), False),
    (("api.telegram.org", 443), False), (("2001:db8::1", 443, 0, 0), False),
])
def test_only_loopback_counts_as_local(address: object, allowed: bool) -> None:
    assert is_loopback(address) is allowed


def test_the_guard_is_installed_for_every_test() -> None:
    assert socket.socket.connect is guarded_connect
    assert asyncio.BaseEventLoop.sock_connect is guarded_sock_connect
