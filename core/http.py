"""HTTP helpers every app shares.

- `Request`: the HttpRequest a view behind login gets, typed: `user` is the site's user
  model (athletes.models.User — core names no app, so views write `Request[User]`) and
  `htmx` the django-htmx details.
- `is_partial`: whether the page asked for a fragment rather than a whole page.
- `redirect_back`: back to the page a form came from, when that address is ours.
- `client_ip`: the address a request came from, trusting `X-Forwarded-For` only as far as the
  configured number of proxies in front of the site (PACELINE_TRUSTED_PROXIES, default 0: the
  header is ignored, a client can write anything in it). Rate limits key on it.
- `over_rate`: a fixed-window counter per client address for doors without a login (a
  provider's webhook), in the shared cache.
"""

from __future__ import annotations

import ipaddress
import time

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.core.cache import cache
from django.http import HttpRequest, HttpResponseRedirect
from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme
from django_htmx.middleware import HtmxDetails


class Request[U: AbstractBaseUser](HttpRequest):
    """An HttpRequest as our middleware leaves it for a logged-in view: `user` is a `U`
    (login_required has checked it), `htmx` the details django-htmx read from its headers."""

    # Narrower than HttpRequest's `User | AnonymousUser` on purpose: only logged-in views are
    # annotated with it. (mypy cannot see that U is the site's user model: core names no app.)
    user: U  # type: ignore[assignment]
    htmx: HtmxDetails


def is_partial(request: HttpRequest) -> bool:
    """Whether the page asked for a fragment to swap in rather than a whole page: an htmx
    request (`HX-Request: true`) or one of our fetch() scripts (`X-Requested-With:
    XMLHttpRequest`, the upload page's)."""
    return (
        request.headers.get("HX-Request") == "true"
        or request.headers.get("X-Requested-With") == "XMLHttpRequest"
    )


def redirect_back(request: HttpRequest, fallback: str) -> HttpResponseRedirect:
    """Redirect to the page a form came from (its `next` field) when that address is ours —
    this host, and https when the request came over https — else to `fallback`."""
    target = request.POST.get("next", "")
    safe = url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return redirect(target if target and safe else fallback)


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


def over_rate(request: HttpRequest, scope: str, *, limit: int, window_s: int = 60) -> bool:
    """Count this request against `limit` per `window_s` for its client address; True once
    the address went over (the caller answers 429). Shared by every process (the cache)."""
    window = int(time.time() // window_s)
    key = f"rate:{scope}:{client_ip(request)}:{window}"
    if cache.add(key, 1, timeout=window_s + 5):
        return limit < 1
    try:
        return cache.incr(key) > limit
    except ValueError:  # expired between add and incr
        cache.add(key, 1, timeout=window_s + 5)
        return False
