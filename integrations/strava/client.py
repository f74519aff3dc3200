"""The only place Paceline calls Strava (through stravalib): OAuth, one athlete's API reads,
webhook subscriptions, and Strava's answers turned into a few exceptions of ours.

stravalib's own conveniences are not for a multi-user server, so none is used: its automatic
token refresh (environment variables, no margin, tokens kept in memory) — `integrations.
strava.tokens` refreshes under a row lock and stores the rotated refresh token —, and its rate
limiter, which sleeps in the worker — every read here first reserves a slot of the app-wide
budget (`integrations.strava.budget`) and reports Strava's rate headers back to it; a lane
out of budget or a 429 raises `RateLimited` and the task is rescheduled, never put to sleep.

Reads go through stravalib's low-level `protocol.get`, which answers Strava's JSON as sent:
what is kept (RawPayload) and mapped (`integrations.strava.mapping`) is what Strava said.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import requests
from django.conf import settings
from django.utils import timezone
from requests.adapters import HTTPAdapter

os.environ.setdefault("SILENCE_TOKEN_WARNINGS", "true")  # we refresh tokens ourselves

from stravalib import Client, exc

from integrations.strava.api_mapping import STREAM_TYPES
from integrations.strava.budget import (
    BudgetExhausted,
    Lane,
    budget_observe,
    budget_rate_limiter,
    budget_reserve,
    budget_state,
    quarter_next,
)

TIMEOUT_S = 30.0
SCOPES = ("read", "activity:read_all")
REQUIRED_SCOPE = "activity:read_all"
PAGE_SIZE = 200


class StravaError(Exception):
    """Strava did not give what was asked; `str()` says why, for the run's log."""


class NotConfigured(StravaError):  # noqa: N818 — names Strava's answer
    """STRAVA_CLIENT_ID / STRAVA_CLIENT_SECRET are not set: Strava is off here."""


class Unauthorized(StravaError):  # noqa: N818 — names Strava's answer
    """The access token was refused (401): refresh once and try again."""


class SignedOut(StravaError):  # noqa: N818 — names Strava's answer
    """Strava refused the refresh token (revoked, or the athlete removed the app)."""


class Inactive(StravaError):  # noqa: N818 — names Strava's answer
    """The operator's Strava app is inactive (403): its owner's subscription or its review."""


class NotFound(StravaError):  # noqa: N818 — names Strava's answer
    """The activity is gone (404), or private without the scope to read it."""


class Unreachable(StravaError):  # noqa: N818 — names Strava's answer
    """No answer, a server error or an unreadable one: the next run tries again."""


class RateLimited(StravaError):  # noqa: N818 — names Strava's answer
    """No request before `until`: the lane's share of Strava's window is used up, or Strava
    answered 429."""

    def __init__(self, until: dt.datetime, reason: str) -> None:
        super().__init__(f"rate window ({reason}) until {until.isoformat()}")
        self.until = until
        self.reason = reason


@dataclass(frozen=True, slots=True)
class Tokens:
    access_token: str
    refresh_token: str
    expires_at: int  # epoch seconds
    athlete_id: str = ""
    athlete_name: str = ""

    def as_credentials(self) -> dict[str, Any]:
        return {
            "access_token": self.access_token,
            "refresh_token": self.refresh_token,
            "expires_at": self.expires_at,
        }


def enabled() -> bool:
    """Strava is a per-deployment feature: on when the operator set the app's credentials."""
    return bool(settings.STRAVA_CLIENT_ID and settings.STRAVA_CLIENT_SECRET)


class _Transport(HTTPAdapter):
    """Every request with a timeout; for an http:// STRAVA_API_URL (a local mirror or a test
    double), stravalib's https:// addresses sent to it over plain HTTP."""

    def __init__(self, *, plain_http: bool) -> None:
        super().__init__(max_retries=0)
        self.plain_http = plain_http

    def send(self, request: requests.PreparedRequest, **kwargs: Any) -> requests.Response:  # type: ignore[override]
        if kwargs.get("timeout") is None:
            kwargs["timeout"] = TIMEOUT_S
        if self.plain_http and request.url and request.url.startswith("https://"):
            request.url = "http://" + request.url[len("https://") :]
        return super().send(request, **kwargs)


def _base() -> tuple[str, str]:
    """(scheme, host[:port]) of STRAVA_API_URL."""
    parts = urlsplit(settings.STRAVA_API_URL)
    return parts.scheme or "https", parts.netloc or "www.strava.com"


def authorize_origin() -> str:
    """The origin of Strava's approval page (the browser goes there from a form of ours)."""
    scheme, host = _base()
    return f"{scheme}://{host}"


def _client(access_token: str | None = None) -> Client:
    scheme, host = _base()
    session = requests.Session()
    adapter = _Transport(plain_http=scheme == "http")
    session.mount("https://", adapter)
    session.mount("http://", adapter)
    client = Client(access_token=access_token, rate_limit_requests=False, requests_session=session)
    client.protocol.server = host
    # stravalib reads STRAVA_CLIENT_ID/SECRET from the environment (our settings' names too)
    # and then tries its own in-memory refresh before each call: ours is `tokens`.
    client.protocol.client_id = None
    client.protocol.client_secret = None
    return client


def _app() -> tuple[int, str]:
    if not enabled():
        raise NotConfigured("Strava is not configured on this server.")
    return int(settings.STRAVA_CLIENT_ID), str(settings.STRAVA_CLIENT_SECRET)


def _translated(error: Exception) -> StravaError:
    """Strava's answer (a stravalib or requests exception) as one of ours."""
    if isinstance(error, StravaError):
        return error
    if isinstance(error, exc.AccessUnauthorized):
        return Unauthorized(str(error))
    if isinstance(error, exc.ApplicationInactive):
        return Inactive(str(error))
    if isinstance(error, exc.ObjectNotFound):
        return NotFound(str(error))
    if isinstance(error, exc.Fault):
        response = getattr(error, "response", None)
        status = getattr(response, "status_code", 0)
        if status == 429:
            budget_observe(dict(getattr(response, "headers", {}) or {}), status=429)
            until = budget_state()["blocked_until"] or quarter_next(timezone.now())
            return RateLimited(until, "429")
        if status in (400, 401):
            return SignedOut(str(error))
        return Unreachable(str(error))
    if isinstance(error, (requests.RequestException, ValueError, KeyError, TypeError)):
        return Unreachable(f"{type(error).__name__}: {error}")
    return Unreachable(str(error))


# --- OAuth -------------------------------------------------------------------------------------


def authorize_url(*, redirect_uri: str, state: str) -> str:
    """Where the athlete approves Paceline at Strava (read + activity:read_all)."""
    client_id, _secret = _app()
    url = str(
        _client().authorization_url(
            client_id=client_id,
            redirect_uri=redirect_uri,
            approval_prompt="auto",
            scope=list(SCOPES),  # type: ignore[arg-type]
            state=state,
        )
    )
    scheme, _host = _base()
    return url if scheme == "https" else scheme + url.removeprefix("https")


def code_exchange(code: str) -> Tokens:
    """The athlete's tokens for the code of Strava's redirect; the athlete's id with them."""
    client_id, secret = _app()
    try:
        answer: Any = _client().exchange_code_for_token(
            client_id=client_id, client_secret=secret, code=code, return_athlete=True
        )
    except Exception as error:
        raise _translated(error) from error
    access, athlete = answer if isinstance(answer, tuple) else (answer, None)
    athlete_id = str(getattr(athlete, "id", "") or "")
    names = (getattr(athlete, "firstname", ""), getattr(athlete, "lastname", ""))
    name = " ".join(str(part) for part in names if part)
    if not athlete_id:
        raise Unreachable("Strava's answer did not say which athlete approved.")
    return Tokens(
        access_token=str(access["access_token"]),
        refresh_token=str(access["refresh_token"]),
        expires_at=int(access["expires_at"]),
        athlete_id=athlete_id,
        athlete_name=name[:120],
    )


def token_refresh(refresh_token: str) -> Tokens:
    """New tokens (the refresh token rotates: store the new one)."""
    client_id, secret = _app()
    try:
        access = _client().refresh_access_token(
            client_id=client_id, client_secret=secret, refresh_token=refresh_token
        )
    except Exception as error:
        raise _translated(error) from error
    return Tokens(
        access_token=str(access["access_token"]),
        refresh_token=str(access["refresh_token"]),
        expires_at=int(access["expires_at"]),
    )


def token_revoke(token: str) -> None:
    """Revoke Paceline's access (either token revokes both). stravalib 2.6 has no call for
    Strava's `oauth/revoke`: HTTP Basic with the app's id and secret, the token in the body."""
    client_id, secret = _app()
    scheme, host = _base()
    session = _client().protocol.rsession
    try:
        response = session.post(
            f"{scheme}://{host}/oauth/revoke",
            auth=(str(client_id), secret),
            data={"token": token},
            timeout=TIMEOUT_S,
        )
    except requests.RequestException as error:
        raise Unreachable(str(error)) from error
    if response.status_code >= 500:
        raise Unreachable(f"{response.status_code} from oauth/revoke")


# --- One athlete's reads -----------------------------------------------------------------------


class Api:
    """Reads with one access token, in one budget lane."""

    def __init__(self, access_token: str, *, lane: Lane) -> None:
        self.lane = lane
        self.client = _client(access_token)
        self.client.protocol.rate_limiter = budget_rate_limiter  # Strava's usage, after each

    def _get(self, url: str, **params: Any) -> Any:
        try:
            budget_reserve(self.lane)
        except BudgetExhausted as exhausted:
            raise RateLimited(exhausted.until, exhausted.reason) from exhausted
        try:
            return self.client.protocol.get(url, **params)
        except Exception as error:
            raise _translated(error) from error

    def athlete(self) -> dict[str, Any]:
        """The athlete the token reads for (asks Strava whether it still accepts the token)."""
        body = self._get("/athlete")
        return body if isinstance(body, dict) else {}

    def activities_after(self, after: int, *, page: int = 1) -> list[dict[str, Any]]:
        """One page of the athlete's activities starting after `after` (epoch s), oldest
        first."""
        body = self._get("/athlete/activities", after=after, page=page, per_page=PAGE_SIZE)
        if not isinstance(body, list):
            raise Unreachable("Strava's activity list was not a list.")
        return [item for item in body if isinstance(item, dict)]

    def activity(self, activity_id: str) -> dict[str, Any]:
        body = self._get("/activities/{id}", id=activity_id, include_all_efforts="false")
        if not isinstance(body, dict):
            raise Unreachable("Strava's activity was not an object.")
        return body

    def streams(self, activity_id: str) -> Any:
        """The activity's samples keyed by type (an empty dict when it has none)."""
        try:
            return self._get(
                "/activities/{id}/streams",
                id=activity_id,
                keys=",".join(STREAM_TYPES),
                key_by_type="true",
            )
        except NotFound:  # a manual entry has no streams
            return {}


# --- Webhooks ----------------------------------------------------------------------------------

EVENT_OBJECTS = ("activity", "athlete")
EVENT_ASPECTS = ("create", "update", "delete")


class EventRefused(ValueError):  # noqa: N818 — names the refusal
    """A webhook body that is not an event of Strava's shape."""


def event_parse(body: Any) -> dict[str, Any]:
    """A webhook event read by stravalib (`SubscriptionUpdate`), then checked: ids are
    positive integers, object and aspect known, `updates` a small dict of strings. Returns
    the plain event; EventRefused otherwise. (Events are unsigned: what they claim is checked
    with Strava before anything is deleted — integrations.strava.sync.)"""
    if not isinstance(body, dict):
        raise EventRefused("not a JSON object")
    try:
        update = Client().handle_subscription_update(body)
    except Exception as error:
        raise EventRefused(f"not an event: {type(error).__name__}") from error
    ids = (update.owner_id, update.object_id)
    if any(value is None or value <= 0 or value >= 2**63 for value in ids):
        raise EventRefused("owner_id and object_id must be positive integers")
    if update.object_type not in EVENT_OBJECTS or update.aspect_type not in EVENT_ASPECTS:
        raise EventRefused("unknown object_type or aspect_type")
    if update.event_time is None:
        raise EventRefused("no event_time")
    updates = update.updates or {}
    if len(updates) > 10 or not all(
        isinstance(k, str) and isinstance(v, str) and len(k) <= 40 and len(v) <= 300
        for k, v in updates.items()
    ):
        raise EventRefused("updates must be a few strings")
    return {
        "subscription_id": update.subscription_id,
        "owner_id": update.owner_id,
        "object_id": update.object_id,
        "object_type": update.object_type,
        "aspect_type": update.aspect_type,
        "event_time": int(update.event_time.timestamp()),
        "updates": dict(updates),
    }


# --- Webhook subscriptions (the operator's command) --------------------------------------------


def subscription_create(*, callback_url: str, verify_token: str) -> int:
    client_id, secret = _app()
    try:
        subscription = _client().create_subscription(
            client_id=client_id,
            client_secret=secret,
            callback_url=callback_url,
            verify_token=verify_token,
        )
    except Exception as error:
        raise _translated(error) from error
    return int(subscription.id or 0)


def subscriptions_list() -> list[dict[str, Any]]:
    client_id, secret = _app()
    try:
        found = _client().list_subscriptions(client_id=client_id, client_secret=secret)
        return [
            {"id": item.id, "callback_url": str(item.callback_url or "")} for item in list(found)
        ]
    except Exception as error:
        raise _translated(error) from error


def subscription_delete(subscription_id: int) -> None:
    client_id, secret = _app()
    try:
        _client().delete_subscription(
            subscription_id=subscription_id, client_id=client_id, client_secret=secret
        )
    except Exception as error:
        raise _translated(error) from error
