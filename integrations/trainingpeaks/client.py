"""Fetching a calendar feed from a URL the athlete pasted — without becoming a way into our
own network (SSRF).

Only http and https (`webcal://` is https); the host name is resolved once and EVERY address
it resolves to must be public (no loopback, private, link-local — the cloud metadata address
among them —, shared, multicast, reserved or unspecified address, IPv4-mapped ones included);
the connection goes to the address that was checked (no second lookup a DNS trick could
change); each redirect (at most 3) is checked the same way; the body is read up to
`MAX_BYTES` within `TIMEOUT_S` overall. Operators may allow networks for tests or an intranet
feed with `PACELINE_FEED_ALLOWED_NETWORKS` (empty by default).
"""

from __future__ import annotations

import http.client
import ipaddress
import socket
import ssl
import time
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

from django.conf import settings

from integrations.trainingpeaks.mapping import MAX_BYTES

TIMEOUT_S = 15.0
MAX_REDIRECTS = 3
SHARED = ipaddress.ip_network("100.64.0.0/10")  # carrier-grade NAT: not the internet either
USER_AGENT = "Paceline calendar reader"
IpAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


class FeedRefused(Exception):  # noqa: N818 — the fetch refused, with the reason for the person
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True, slots=True)
class Target:
    scheme: str
    host: str
    port: int
    path: str
    address: str  # the checked address the connection goes to


def normalized(url: str) -> str:
    """The URL as fetched: `webcal://` read as `https://`, surrounding spaces dropped."""
    url = url.strip()
    if url.lower().startswith("webcal://"):
        url = "https://" + url[len("webcal://") :]
    return url


def fetch_feed(url: str, *, max_bytes: int = MAX_BYTES, timeout_s: float = TIMEOUT_S) -> bytes:
    """The feed's body; FeedRefused (with a reason for the athlete) for anything else."""
    deadline = time.monotonic() + timeout_s
    current = normalized(url)
    for _hop in range(MAX_REDIRECTS + 1):
        target = _target(current)
        status, location, body = _get(target, max_bytes=max_bytes, deadline=deadline)
        if status in (301, 302, 303, 307, 308) and location:
            current = urljoin(current, location)
            continue
        if status != 200:
            raise FeedRefused(f"the calendar server answered {status}")
        return body
    raise FeedRefused("the calendar address redirects too many times")


def _target(url: str) -> Target:
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https"):
        raise FeedRefused("only http, https or webcal addresses can be read")
    if not parts.hostname or parts.username or parts.password:
        raise FeedRefused("this is not a calendar address")
    try:
        port = parts.port or (443 if scheme == "https" else 80)
    except ValueError as error:
        raise FeedRefused("this is not a calendar address") from error
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    return Target(scheme, parts.hostname, port, path, _checked_address(parts.hostname, port))


def _checked_address(host: str, port: int) -> str:
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as error:
        raise FeedRefused(f"the calendar server {host} cannot be found") from error
    addresses = {str(info[4][0]) for info in infos}
    if not addresses:
        raise FeedRefused(f"the calendar server {host} cannot be found")
    for address in addresses:
        if not _allowed(ipaddress.ip_address(address.split("%", 1)[0])):
            raise FeedRefused("this address points inside a private network: it cannot be read")
    return sorted(addresses)[0]


def _allowed(address: IpAddress) -> bool:
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    for network in getattr(settings, "PACELINE_FEED_ALLOWED_NETWORKS", ()):
        if address in ipaddress.ip_network(network):
            return True
    return not (
        address.is_loopback
        or address.is_private
        or address.is_link_local
        or address.is_multicast
        or address.is_reserved
        or address.is_unspecified
        or (isinstance(address, ipaddress.IPv4Address) and address in SHARED)
    )


class _PinnedHTTP(http.client.HTTPConnection):
    def __init__(self, target: Target, timeout: float) -> None:
        super().__init__(target.host, target.port, timeout=timeout)
        self._address = target.address

    def connect(self) -> None:
        self.sock = socket.create_connection((self._address, self.port), self.timeout)


class _PinnedHTTPS(http.client.HTTPSConnection):
    def __init__(self, target: Target, timeout: float) -> None:
        super().__init__(target.host, target.port, timeout=timeout, context=_context())
        self._address = target.address

    def connect(self) -> None:
        sock = socket.create_connection((self._address, self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)  # type: ignore[attr-defined]


def _context() -> ssl.SSLContext:
    return ssl.create_default_context()


def _get(target: Target, *, max_bytes: int, deadline: float) -> tuple[int, str, bytes]:
    remaining = deadline - time.monotonic()
    if remaining <= 0:
        raise FeedRefused("the calendar server is too slow")
    kind = _PinnedHTTPS if target.scheme == "https" else _PinnedHTTP
    connection = kind(target, timeout=min(remaining, TIMEOUT_S))
    try:
        connection.request(
            "GET", target.path, headers={"User-Agent": USER_AGENT, "Accept": "text/calendar"}
        )
        response = connection.getresponse()
        location = response.getheader("Location") or ""
        declared = response.getheader("Content-Length")
        if declared and declared.isdigit() and int(declared) > max_bytes:
            raise FeedRefused("the calendar is too large to read")
        chunks, size = [], 0
        while chunk := response.read(64 * 1024):
            size += len(chunk)
            if size > max_bytes:
                raise FeedRefused("the calendar is too large to read")
            if time.monotonic() > deadline:
                raise FeedRefused("the calendar server is too slow")
            chunks.append(chunk)
        return response.status, location, b"".join(chunks)
    except (OSError, http.client.HTTPException) as error:
        raise FeedRefused(
            f"the calendar server cannot be reached ({type(error).__name__})"
        ) from error
    finally:
        connection.close()
