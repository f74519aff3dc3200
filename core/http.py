"""HTTP helpers every app shares.

`client_ip`: the address a request came from, trusting `X-Forwarded-For` only as far as the
configured number of proxies in front of the site (PACELINE_TRUSTED_PROXIES, default 0: the
header is ignored, a client can write anything in it). Rate limits key on it.
"""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def trusted_proxies() -> int:
    """How many reverse proxies in front of the site append to X-Forwarded-For."""
    return max(0, int(getattr(settings, "PACELINE_TRUSTED_PROXIES", 0)))


def client_ip(request: HttpRequest) -> str:
    """The client's address: with N trusted proxies, the N-th address from the right of
    X-Forwarded-For (the one the outermost trusted proxy saw); otherwise, or when that entry
    is not an address, the peer address of the connection."""
    remote = str(request.META.get("REMOTE_ADDR", "") or "")
    proxies = trusted_proxies()
    forwarded = str(request.META.get("HTTP_X_FORWARDED_FOR", "") or "")
    if proxies and forwarded:
        hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
        if hops:
            candidate = hops[-min(proxies, len(hops))]
            if _is_address(candidate):
                return candidate
    return remote or "0.0.0.0"  # noqa: S104 — a placeholder key, nothing binds to it


def _is_address(value: str) -> bool:
    try:
        ipaddress.ip_address(value)
    except ValueError:
        return False
    return True
