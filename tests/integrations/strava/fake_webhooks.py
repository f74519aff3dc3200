"""Strava's side of webhooks for the fake: the callback check a new subscription needs, the
subscription as the list shows it, and posting an event."""

from __future__ import annotations

import datetime as dt
import json
import secrets
import time
import urllib.error
import urllib.request
from typing import Any
from urllib.parse import urlencode, urlsplit

from tests.integrations.strava import fake_data as data

CALLBACK_TIMEOUT_S = 2.0  # Strava gives the callback two seconds
# Straight to the callback: a proxy from the environment would not reach a loopback address.
_opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def verify_callback(callback_url: str, verify_token: str) -> dict[str, Any] | None:
    """GET the callback with a fresh challenge; Strava's error body if it does not echo it."""
    challenge = secrets.token_hex(16)
    query = urlencode(
        {"hub.mode": "subscribe", "hub.challenge": challenge, "hub.verify_token": verify_token}
    )
    separator = "&" if urlsplit(callback_url).query else "?"
    try:
        url = callback_url + separator + query
        with _opener.open(url, timeout=CALLBACK_TIMEOUT_S) as response:
            answer = json.loads(response.read() or b"null")
    except (OSError, ValueError):  # URLError, HTTPError and timeouts are OSErrors
        return data.CALLBACK_NOT_200
    if not isinstance(answer, dict) or answer.get("hub.challenge") != challenge:
        return data.CALLBACK_UNVERIFIABLE
    return None


def view_item(subscription: dict[str, Any]) -> dict[str, Any]:
    """A subscription as GET /push_subscriptions lists it (ISO times, unlike the create answer)."""
    created = dt.datetime.fromtimestamp(subscription["created_at"], dt.UTC).isoformat()
    return {
        "id": subscription["id"],
        "resource_state": 2,
        "application_id": subscription["application_id"],
        "callback_url": subscription["callback_url"],
        "created_at": created,
        "updated_at": created,
    }


def post_event(callback_url: str, body: dict[str, Any]) -> tuple[int, float]:
    """POST an event as Strava does (JSON, unsigned): the status and the seconds it took."""
    request = urllib.request.Request(
        callback_url,
        data=json.dumps(body).encode(),
        method="POST",
        headers={"Content-Type": "application/json", "User-Agent": "Strava"},
    )
    started = time.monotonic()
    try:
        with _opener.open(request, timeout=30) as response:
            status = response.status
    except urllib.error.HTTPError as failure:
        status = failure.code
    return status, time.monotonic() - started
