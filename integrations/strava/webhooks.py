"""Strava's webhook, the checks before the work: the subscription's challenge (its verify token
compared in constant time — stravalib's own check is an `assert`, gone under `python -O`), and
events kept for a task, answered at once (Strava wants a 200 within two seconds).

Without a broker (the embedded mode) a task would run inside the request, reads from Strava
included: there the event is left to the in-process sweep, which does it within a minute."""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping
from functools import partial
from typing import Any

from django.conf import settings
from django.db import transaction

from integrations.models import WebhookEvent
from integrations.strava.client import event_parse
from integrations.strava.schedule import event_send
from integrations.strava.sync import event_receive

MAX_BODY_BYTES = 4096  # an event is about 250 bytes
MAX_CHALLENGE = 255


def verify_token() -> str:
    """STRAVA_WEBHOOK_VERIFY_TOKEN, else one derived from SECRET_KEY (never Strava's default)."""
    configured = str(getattr(settings, "STRAVA_WEBHOOK_VERIFY_TOKEN", "") or "")
    if configured:
        return configured
    digest = hmac.new(settings.SECRET_KEY.encode(), b"strava-webhook", hashlib.sha256)
    return digest.hexdigest()[:40]


def challenge_answer(query: Mapping[str, str]) -> dict[str, str] | None:
    """`{"hub.challenge": …}` for Strava's subscription check; None when the query is not one
    or its verify token is wrong."""
    token = str(query.get("hub.verify_token", ""))
    challenge = str(query.get("hub.challenge", ""))
    if query.get("hub.mode") != "subscribe" or not challenge or len(challenge) > MAX_CHALLENGE:
        return None
    if not hmac.compare_digest(token.encode(), verify_token().encode()):
        return None
    return {"hub.challenge": challenge}


def event_accept(body: Any) -> WebhookEvent | None:
    """Keep a parsed event and send its task once the transaction commits; None for a repeat.
    Raises client.EventRefused for a body that is not an event."""
    event = event_parse(body)
    with transaction.atomic():
        row = event_receive(event)
        queued = row is not None and row.state == WebhookEvent.State.QUEUED
        if row is not None and queued and not settings.CELERY_TASK_ALWAYS_EAGER:
            transaction.on_commit(partial(event_send, row.id), robust=True)
    return row
