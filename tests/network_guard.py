"""Socket patches that refuse every connection to an address outside loopback."""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from typing import Any


def is_loopback(address: Any) -> bool:
    """Whether a socket address is on this machine (loopback or a unix socket)."""
    if isinstance(address, (str, bytes)):  # unix socket path
        return True
    host = address[0]
    if host in {"localhost", ""}:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


_real_connect = socket.socket.connect
_real_connect_ex = socket.socket.connect_ex


def guarded_connect(self: socket.socket, address: Any) -> Any:
    """socket.connect, refused outside loopback."""
    if not is_loopback(address):
        raise OSError(f"test tried to reach {address!r}: only loopback connections are allowed")
    return _real_connect(self, address)


def guarded_connect_ex(self: socket.socket, address: Any) -> Any:
    """socket.connect_ex, refused outside loopback."""
    if not is_loopback(address):
        raise OSError(f"test tried to reach {address!r}: only loopback connections are allowed")
    return _real_connect_ex(self, address)


_real_sock_connect = asyncio.BaseEventLoop.sock_connect


async def guarded_sock_connect(self: asyncio.BaseEventLoop, sock: socket.socket, address: Any) -> Any:
    """loop.sock_connect (used by every asyncio client), refused outside loopback."""
    if not is_loopback(address):
        raise OSError(f"test tried to reach {address!r}: only loopback connections are allowed")
    return await _real_sock_connect(self, sock, address)
