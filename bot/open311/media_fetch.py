"""Fetching a filed request's `media_url` without letting a partner reach Aduan's own network (SSRF).

Only http and https; every address the host resolves to (and every redirect's) must be public, unless the
host is on OPEN311_MEDIA_HOSTS; the answer must be an image within the size limit, in a few seconds.
The check sits in the resolver the connection itself uses, so a name cannot resolve to a public address
for the check and to an internal one for the connection.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Sequence
from dataclasses import dataclass

import aiohttp
from aiohttp.abc import AbstractResolver, ResolveResult
from yarl import URL

from handlers.i18n import _

MAX_REDIRECTS = 3
Address = ipaddress.IPv4Address | ipaddress.IPv6Address
Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@dataclass(frozen=True)
class MediaPolicy:
    """Where media may be fetched from and how much of it: hosts (names, addresses or networks) that may
    be internal, the size limit in bytes and the time limit in seconds."""

    allowed: Sequence[str] = ()
    max_bytes: int = 10 * 1024 * 1024
    seconds: float = 10.0

    def allows(self, host: str, address: Address | None) -> bool:
        """Whether `host` (resolved to `address`) may be fetched from."""
        if address is None:
            try:
                address = ipaddress.ip_address(host.strip("[]"))
            except ValueError:
                return host.lower().rstrip(".") in self._names()
        if address.version == 6 and address.ipv4_mapped is not None:
            address = address.ipv4_mapped
        if address.is_global and not address.is_multicast:
            return True
        return host.lower().rstrip(".") in self._names() or any(address in net for net in self._networks())

    def _names(self) -> set[str]:
        return {entry.strip().lower().rstrip(".") for entry in self.allowed if entry.strip()}

    def _networks(self) -> list[Network]:
        networks = []
        for entry in self.allowed:
            try:
                networks.append(ipaddress.ip_network(entry.strip(), strict=False))
            except ValueError:
                continue
        return networks


class _CheckingResolver(AbstractResolver):
    """The system resolver, refusing a name whose addresses are not all allowed."""

    def __init__(self, policy: MediaPolicy) -> None:
        self.policy = policy
        self.inner = aiohttp.ThreadedResolver()
        self.refused = False

    async def resolve(self, host: str, port: int = 0,
                      family: socket.AddressFamily = socket.AF_INET) -> list[ResolveResult]:
        results = await self.inner.resolve(host, port, family)
        if not all(self.policy.allows(host, ipaddress.ip_address(r["host"])) for r in results):
            self.refused = True
            raise OSError(f"{host} resolves to an address that is not public")
        return results

    async def close(self) -> None:
        await self.inner.close()


class MediaRefused(Exception):
    """Why the media could not be used, in words for the Open311 error list (it names media_url)."""


async def fetch_media(url: str, policy: MediaPolicy) -> bytes:
    """The image at `url`, following at most a few redirects, each checked like the first."""
    resolver = _CheckingResolver(policy)
    timeout = aiohttp.ClientTimeout(total=policy.seconds)
    target = _checked(url, policy)
    try:
        async with aiohttp.ClientSession(timeout=timeout, connector=aiohttp.TCPConnector(resolver=resolver),
                                         trust_env=False) as http:
            for _hop in range(MAX_REDIRECTS + 1):
                async with http.get(target, allow_redirects=False) as response:
                    location = response.headers.get("Location")
                    if response.status in (301, 302, 303, 307, 308) and location:
                        target = _checked(str(target.join(URL(location))), policy)
                        continue
                    return await _image(response, policy)
            raise MediaRefused(_("media_url redirects too many times."))
    except (aiohttp.ClientError, OSError, TimeoutError):
        if resolver.refused:
            raise _not_public() from None
        raise MediaRefused(_("media_url could not be fetched.")) from None


def _checked(url: str, policy: MediaPolicy) -> URL:
    try:
        parsed = URL(url.strip())
    except ValueError:
        parsed = URL()
    if parsed.scheme not in ("http", "https") or not parsed.host:
        raise MediaRefused(_("media_url must be an http or https URL."))
    if parsed.user or parsed.password:
        raise MediaRefused(_("media_url must not carry a user name or password."))
    try:
        literal: Address | None = ipaddress.ip_address(parsed.host.strip("[]"))
    except ValueError:
        literal = None  # a name: checked when it is resolved
    if literal is not None and not policy.allows(parsed.host, literal):
        raise _not_public()
    return parsed


def _not_public() -> MediaRefused:
    return MediaRefused(_("media_url must point to a public internet address."))


async def _image(response: aiohttp.ClientResponse, policy: MediaPolicy) -> bytes:
    if response.status != 200:
        raise MediaRefused(_("media_url could not be fetched (HTTP {status}).").format(
            status=response.status))
    if not response.content_type.startswith("image/"):
        raise MediaRefused(_("media_url is not an image (it is {type}).").format(
            type=response.content_type[:60]))
    too_large = MediaRefused(_("media_url is larger than {mb:.0f} MB.").format(mb=policy.max_bytes / 2**20))
    if (response.content_length or 0) > policy.max_bytes:
        raise too_large
    data = bytearray()
    async for chunk in response.content.iter_chunked(64 * 1024):
        data += chunk
        if len(data) > policy.max_bytes:
            raise too_large
    return bytes(data)
