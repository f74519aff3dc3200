"""A fake Strava on a loopback port, for the real stravalib (in this process or a Celery worker).

`FakeStrava(corpus)` serves OAuth (/oauth/token, /oauth/revoke, /oauth/deauthorize), the API
under /api/v3 (athlete, activity list, activity, streams, push subscriptions) and sends webhook
events. The server runs in a thread of the test process and every control is a method here, so
a client in another process sees the same state. stravalib reaches it through
`plain_http.stravalib_client(fake.url, token)` (https://host:port sent as http://).

Answers follow Strava: bearer tokens that expire and rotate, 401/404/429/403 bodies as Strava
writes them, X-RateLimit-* and X-ReadRateLimit-* headers from the fake's own 15-minute and daily
counters (quarter-hours and UTC days, like Strava's), and `after` lists ascending while a list
without it is newest first.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
import re
import secrets
import threading
import time
import urllib.error
import urllib.request
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, NamedTuple, Self
from urllib.parse import parse_qs, urlencode, urlsplit

from tests.integrations.strava import fake_data as data

Reply = tuple[int, Any, dict[str, str]]  # status, JSON body (None: no body), headers
TOKEN_LIFETIME_S = 6 * 3600
CALLBACK_TIMEOUT_S = 2.0
FIRST_ACTIVITY_ID = 10_000_000_000  # above 2**32, as Strava's ids are now


class Seen(NamedTuple):
    """One request as it arrived: `at` is the fake's clock (epoch seconds); `token` the bearer."""

    method: str
    path: str
    at: float
    token: str | None


@dataclass(frozen=True)
class _Request:
    method: str
    path: str
    query: dict[str, str]
    form: dict[str, str]
    headers: dict[str, str]

    @property
    def bearer(self) -> str | None:
        value = self.headers.get("authorization", "")
        return value.removeprefix("Bearer ") if value.startswith("Bearer ") else None


@dataclass
class _Access:
    athlete_id: int
    scope: str
    expires_at: int


@dataclass
class _Activity:
    athlete_id: int
    detail: dict[str, Any]  # replaced, never changed in place: handlers serialise it unlocked
    streams: dict[str, dict[str, Any]] | None

    @property
    def start_s(self) -> float:
        return data.epoch_s(self.detail["start_date"])


class FakeStrava:
    def __init__(
        self,
        corpus: Path,
        *,
        client_id: int = 4242,
        client_secret: str = "fake-client-secret",  # noqa: S107 — a fake
        read_limits: tuple[int, int] = (100, 1000),
        overall_limits: tuple[int, int] = (200, 2000),
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.corpus = data.Corpus(corpus)
        self.client_id, self.client_secret = client_id, client_secret
        self.read_limits, self.overall_limits = read_limits, overall_limits
        self.clock = clock
        self.refresh_delay_s = 0.0
        self.requests: list[Seen] = []
        self.refresh_calls = self.revoke_calls = self.deauthorize_calls = 0
        self._lock = threading.Lock()
        self._storm = self._inactive = False
        self._codes: dict[str, tuple[int, str]] = {}
        self._access: dict[str, _Access] = {}
        self._refresh: dict[int, str] = {}  # athlete → the one refresh token that works
        self._scopes: dict[int, str] = {}  # athlete → the scope they granted
        self._athletes: dict[int, dict[str, Any]] = {}
        self._activities: dict[int, _Activity] = {}
        self._next_id = FIRST_ACTIVITY_ID
        self._subscriptions: dict[int, dict[str, Any]] = {}
        self._usage: Counter[tuple[str, str, int]] = Counter()
        self._http = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self._http.daemon_threads = True
        self._http.fake = self  # type: ignore[attr-defined]
        self._thread = threading.Thread(target=self._http.serve_forever, args=(0.05,), daemon=True)

    # --- lifecycle --------------------------------------------------------------------------
    def start(self) -> Self:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._http.shutdown()
        self._http.server_close()

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def url(self) -> str:
        host, port = self._http.server_address[:2]
        return f"http://{host!s}:{port}"

    # --- controls: athletes and tokens ------------------------------------------------------
    def authorize(self, code: str, athlete_id: int, scope: str = "read,activity:read_all") -> None:
        """The athlete approved the app on strava.com; `code` can be exchanged once."""
        with self._lock:
            self._codes[code] = (athlete_id, scope)
            self._athletes.setdefault(athlete_id, self.corpus.athlete(athlete_id))

    def expire_tokens(self, athlete_id: int) -> None:
        """Every access token of the athlete is now expired (its refresh token still works)."""
        with self._lock:
            for access in self._access.values():
                if access.athlete_id == athlete_id:
                    access.expires_at = int(self.clock()) - 1

    def deauthorize(self, athlete_id: int) -> None:
        """The athlete removed the app on strava.com: all their tokens stop working."""
        with self._lock:
            self._revoke_athlete(athlete_id)

    def tokens(self, athlete_id: int) -> tuple[list[str], str | None]:
        """The athlete's live access tokens and current refresh token."""
        with self._lock:
            live = [t for t, a in self._access.items() if a.athlete_id == athlete_id]
            return live, self._refresh.get(athlete_id)

    def storm(self, on: bool = True) -> None:
        """Answer 429 to everything, as when other users of the app spent its limit."""
        self._storm = on

    def inactive(self, on: bool = True) -> None:
        """Answer everything with 403 Application Inactive (owner has no subscription)."""
        self._inactive = on

    # --- controls: activities ---------------------------------------------------------------
    def add_activity(
        self,
        athlete_id: int,
        detail: dict[str, Any],
        streams: dict[str, Any] | list[dict[str, Any]] | None = None,
    ) -> int:
        """Serve `detail` (a DetailedActivity; its "id" is kept) as the athlete's activity."""
        by_type = data.streams_by_type(streams) if streams is not None else None
        with self._lock:
            self._activities[int(detail["id"])] = _Activity(athlete_id, dict(detail), by_type)
        return int(detail["id"])

    def corpus_activities(
        self,
        athlete_id: int,
        count: int,
        *,
        start: dt.datetime,
        step: dt.timedelta = dt.timedelta(days=1),
        kinds: tuple[str, ...] = data.TEMPLATES,
    ) -> list[int]:
        """Add `count` activities starting at `start`, one per `step`, cycling through `kinds`
        (fake_data.TEMPLATES: Garmin-pushed ride, app-recorded ride, run); their new ids."""
        ids = []
        for i in range(count):
            with self._lock:
                activity_id, self._next_id = self._next_id, self._next_id + 1
            detail, streams = data.template_activity(
                self.corpus, kinds[i % len(kinds)], activity_id=activity_id,
                athlete_id=athlete_id, start=start + i * step,
            )  # fmt: skip
            ids.append(self.add_activity(athlete_id, detail, streams))
        return ids

    def update_activity(self, activity_id: int, **fields: Any) -> None:
        """Change fields as the athlete would on strava.com (name=, type=, private=…)."""
        if "type" in fields:
            fields.setdefault("sport_type", fields["type"])
        with self._lock:
            activity = self._activities[activity_id]
            activity.detail = {**activity.detail, **fields}

    def delete_activity(self, activity_id: int) -> None:
        with self._lock:
            del self._activities[activity_id]

    def activity(self, activity_id: int) -> dict[str, Any]:
        with self._lock:
            return self._activities[activity_id].detail

    # --- controls: webhooks -----------------------------------------------------------------
    @property
    def subscriptions(self) -> list[dict[str, Any]]:
        with self._lock:
            return list(self._subscriptions.values())

    def event(
        self, kind: str, athlete_id: int, object_id: int | None = None, **updates: Any
    ) -> dict[str, Any]:
        """corpus/strava/webhooks/event_<kind>.json for this athlete and object (the athlete
        itself for "athlete_deauthorize"), stamped now and with the live subscription's id."""
        body = self.corpus.event(kind)
        subscription = next(iter(self.subscriptions), None)
        body.update(
            owner_id=athlete_id,
            event_time=int(self.clock()),
            object_id=athlete_id if object_id is None else object_id,
        )
        if subscription is not None:
            body["subscription_id"] = subscription["id"]
        if updates:
            body["updates"] = {**body.get("updates", {}), **updates}
        return body

    def send_event(self, callback_url: str, body: dict[str, Any]) -> tuple[int, float]:
        """POST a webhook event as Strava does (JSON, unsigned); the status and seconds taken."""
        request = urllib.request.Request(
            callback_url, data=json.dumps(body).encode(), method="POST",
            headers={"Content-Type": "application/json", "User-Agent": "Strava"},
        )  # fmt: skip
        started = time.monotonic()
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                status = response.status
        except urllib.error.HTTPError as failure:
            status = failure.code
        return status, time.monotonic() - started

    # --- counters ---------------------------------------------------------------------------
    def seen(self, path_part: str = "", *, since: float | None = None) -> list[Seen]:
        """Requests whose path contains `path_part`, arrived at or after `since` (fake clock)."""
        with self._lock:
            return [
                s for s in self.requests if path_part in s.path and (since is None or s.at >= since)
            ]

    @property
    def api_calls(self) -> int:
        """Requests to the athlete API (/api/v3, push subscriptions excepted)."""
        return sum(1 for s in self.seen("/api/v3/") if "/push_subscriptions" not in s.path)

    def usage(self) -> dict[str, int]:
        """This quarter-hour's and today's counts: read_15m, read_day, overall_15m, overall_day."""
        with self._lock:
            return self._usage_now()

    # --- answering --------------------------------------------------------------------------
    def answer(self, request: _Request) -> Reply:
        with self._lock:
            self.requests.append(Seen(request.method, request.path, self.clock(), request.bearer))
        if self._storm:
            recorded = self.corpus.json("ratelimit/docs_429.json")
            headers = {k: v for k, v in recorded["headers"].items() if k.startswith("X-")}
            return 429, recorded["body"], headers
        if self._inactive:
            return 403, self.corpus.json("errors/application_inactive_403.json")["body"], {}
        if request.path.startswith("/oauth/"):
            return self._oauth(request)
        if request.path.startswith("/api/v3/push_subscriptions"):
            return self._push_subscriptions(request)
        if request.path.startswith("/api/v3/"):
            return self._api(request)
        return 404, data.not_found("resource"), {}

    # OAuth ------------------------------------------------------------------------------------
    def _oauth(self, request: _Request) -> Reply:
        if request.method != "POST":
            return 404, data.not_found("resource"), {}
        if request.path == "/oauth/token":
            return self._token(request.form)
        if request.path == "/oauth/revoke":
            return self._revoke(request)
        if request.path == "/oauth/deauthorize":
            return self._deauthorize(request)
        return 404, data.not_found("resource"), {}

    def _client_ok(self, client_id: str | None, client_secret: str | None) -> bool:
        return client_id == str(self.client_id) and client_secret == self.client_secret

    def _token(self, form: dict[str, str]) -> Reply:
        if not self._client_ok(form.get("client_id"), form.get("client_secret")):
            return 400, data.CLIENT_INVALID, {}
        grant = form.get("grant_type")
        if grant == "authorization_code":
            return self._exchange(form.get("code", ""))
        if grant == "refresh_token":
            with self._lock:
                self.refresh_calls += 1
            time.sleep(self.refresh_delay_s)  # widens the window for two workers refreshing
            return self._rotate(form.get("refresh_token", ""))
        return 400, data.error("Bad Request", "GrantType", "grant_type", "invalid"), {}

    def _exchange(self, code: str) -> Reply:
        with self._lock:
            if code not in self._codes:
                return 400, data.CODE_INVALID, {}
            athlete_id, scope = self._codes.pop(code)
            body = self._issue(athlete_id, scope)
            profile = self._athletes[athlete_id]
            body["athlete"] = {k: profile.get(k) for k in data.SUMMARY_ATHLETE_KEYS} | {
                "resource_state": 2
            }
        return 200, body, {}

    def _rotate(self, refresh_token: str) -> Reply:
        with self._lock:
            athlete_id = next((a for a, t in self._refresh.items() if t == refresh_token), None)
            if athlete_id is None:
                return 400, data.REFRESH_INVALID, {}
            return 200, self._issue(athlete_id, self._scopes[athlete_id]), {}

    def _issue(self, athlete_id: int, scope: str) -> dict[str, Any]:
        """New access and refresh tokens (the old refresh token stops working). Locked."""
        access, refresh = secrets.token_hex(20), secrets.token_hex(20)
        expires_at = int(self.clock()) + TOKEN_LIFETIME_S
        self._access[access] = _Access(athlete_id, scope, expires_at)
        self._refresh[athlete_id], self._scopes[athlete_id] = refresh, scope
        return {
            "token_type": "Bearer",
            "access_token": access,
            "refresh_token": refresh,
            "expires_at": expires_at,
            "expires_in": TOKEN_LIFETIME_S,
        }

    def _revoke_athlete(self, athlete_id: int) -> None:
        """Locked."""
        self._refresh.pop(athlete_id, None)
        for token in [t for t, a in self._access.items() if a.athlete_id == athlete_id]:
            del self._access[token]

    def _revoke(self, request: _Request) -> Reply:
        """RFC 7009: HTTP Basic client credentials, `token=` either token; revokes both."""
        basic = request.headers.get("authorization", "").removeprefix("Basic ")
        client_id, _, secret = base64.b64decode(basic or b"").decode().partition(":")
        with self._lock:
            self.revoke_calls += 1
            if not self._client_ok(client_id, secret):
                return 401, data.CLIENT_INVALID, {}
            token = request.form.get("token", "")
            owner = self._access[token].athlete_id if token in self._access else None
            owner = owner or next((a for a, t in self._refresh.items() if t == token), None)
            if owner is not None:
                self._revoke_athlete(owner)
        return 200, {}, {}

    def _deauthorize(self, request: _Request) -> Reply:
        token = request.bearer or request.form.get("access_token", "")
        with self._lock:
            self.deauthorize_calls += 1
            access = self._access.get(token)
            if access is None:
                return 401, data.AUTH_INVALID, {}
            self._revoke_athlete(access.athlete_id)
        return 200, {"access_token": token}, {}

    # API ----------------------------------------------------------------------------------
    def _usage_now(self) -> dict[str, int]:
        now = self.clock()
        quarter, day = int(now // 900), int(now // 86400)
        u = self._usage
        return {
            "read_15m": u["read", "15m", quarter],
            "read_day": u["read", "day", day],
            "overall_15m": u["all", "15m", quarter],
            "overall_day": u["all", "day", day],
        }

    def _count(self, method: str) -> dict[str, int]:
        """Count one API request against this quarter-hour and today. Locked."""
        now = self.clock()
        quarter, day = int(now // 900), int(now // 86400)
        kinds = ("all", "read") if method == "GET" else ("all",)
        for kind in kinds:
            self._usage[kind, "15m", quarter] += 1
            self._usage[kind, "day", day] += 1
        return self._usage_now()

    def _rate_headers(self, usage: dict[str, int]) -> dict[str, str]:
        return {
            "X-RateLimit-Limit": "{},{}".format(*self.overall_limits),
            "X-RateLimit-Usage": f"{usage['overall_15m']},{usage['overall_day']}",
            "X-ReadRateLimit-Limit": "{},{}".format(*self.read_limits),
            "X-ReadRateLimit-Usage": f"{usage['read_15m']},{usage['read_day']}",
        }

    def _over_limit(self, method: str, usage: dict[str, int]) -> dict[str, Any] | None:
        """The recorded 429 body when this request is past a limit, else None."""
        limit_15m, limit_day = self.overall_limits
        if usage["overall_15m"] > limit_15m or usage["overall_day"] > limit_day:
            return self.corpus.json("ratelimit/overall_limit_429.json")["body"]
        limit_15m, limit_day = self.read_limits
        if method == "GET" and (usage["read_15m"] > limit_15m or usage["read_day"] > limit_day):
            return self.corpus.json("ratelimit/read_limit_429.json")["body"]
        return None

    def _api(self, request: _Request) -> Reply:
        with self._lock:
            usage = self._count(request.method)
            headers = self._rate_headers(usage)
            over = self._over_limit(request.method, usage)
            if over is not None:
                return 429, over, headers
            access = self._access.get(request.bearer or "")
            if access is None or access.expires_at <= self.clock():
                return 401, data.AUTH_INVALID, headers
            status, body = self._route(request, access)
        return status, body, headers

    def _route(self, request: _Request, access: _Access) -> tuple[int, Any]:
        """Locked."""
        path = request.path.removeprefix("/api/v3")
        if request.method == "GET" and path == "/athlete":
            return 200, self._athletes[access.athlete_id]
        if "activity:read" not in access.scope:
            return 401, data.SCOPE_MISSING
        if request.method == "GET" and path == "/athlete/activities":
            return 200, self._list(access, request.query)
        match = re.fullmatch(r"/activities/(\d+)(/streams)?", path)
        activity = self._activities.get(int(match[1])) if match else None
        if request.method != "GET" or match is None:
            return 404, data.not_found("resource")
        if activity is None or not self._visible(activity, access):
            return 404, data.not_found("Activity")
        if match[2]:
            return 200, _streams(activity, request.query)
        return 200, activity.detail

    @staticmethod
    def _visible(activity: _Activity, access: _Access) -> bool:
        if activity.athlete_id != access.athlete_id:
            return False
        return not activity.detail.get("private") or "activity:read_all" in access.scope

    def _list(self, access: _Access, query: dict[str, str]) -> list[dict[str, Any]]:
        """Strava's order: with `after`, oldest first from it; otherwise newest first."""
        after, before = query.get("after"), query.get("before")
        rows = [a for a in self._activities.values() if self._visible(a, access)]
        if after:
            rows = [a for a in rows if a.start_s > int(after)]
        if before:
            rows = [a for a in rows if a.start_s < int(before)]
        rows.sort(key=lambda a: (a.start_s, a.detail["id"]), reverse=not after)
        page, per_page = int(query.get("page", 1)), min(int(query.get("per_page", 30)), 200)
        return [data.summary(a.detail) for a in rows[(page - 1) * per_page : page * per_page]]

    # Push subscriptions ---------------------------------------------------------------------
    def _push_subscriptions(self, request: _Request) -> Reply:
        credentials = {**request.query, **request.form}
        if not self._client_ok(credentials.get("client_id"), credentials.get("client_secret")):
            return 401, data.CLIENT_INVALID, {}
        match = re.fullmatch(r"/api/v3/push_subscriptions(?:/(\d+))?", request.path)
        if match is None:
            return 404, data.not_found("resource"), {}
        if request.method == "POST" and not match[1]:
            return self._subscribe(request.form)
        if request.method == "GET" and not match[1]:
            listed = self.subscriptions if int(request.query.get("page", 1)) == 1 else []
            return 200, [_view_item(s) for s in listed], {}
        if request.method == "DELETE" and match[1]:
            with self._lock:
                gone = self._subscriptions.pop(int(match[1]), None)
            return (204, None, {}) if gone else (404, data.not_found("PushSubscription"), {})
        return 404, data.not_found("resource"), {}

    def _subscribe(self, form: dict[str, str]) -> Reply:
        """Like Strava: one subscription per app, created only once the callback URL answers
        the GET challenge with {"hub.challenge": …} within 2 s."""
        if self.subscriptions:
            return 400, data.SUBSCRIPTION_EXISTS, {}
        callback_url = form.get("callback_url", "")
        failure = _verify_callback(callback_url, form.get("verify_token", ""))
        if failure is not None:
            return 400, failure, {}
        body = self.corpus.json("webhooks/subscription_create_response.json")
        with self._lock:
            subscription_id = max(self._subscriptions, default=0) + 1
            body.update(
                id=subscription_id,
                application_id=self.client_id,
                callback_url=callback_url,
                created_at=int(self.clock()),
            )
            self._subscriptions[subscription_id] = body
        return 200, body, {}


def _verify_callback(callback_url: str, verify_token: str) -> dict[str, Any] | None:
    """GET the callback with a fresh challenge; Strava's error body if it does not echo it."""
    challenge = secrets.token_hex(16)
    query = urlencode(
        {"hub.mode": "subscribe", "hub.challenge": challenge, "hub.verify_token": verify_token}
    )
    separator = "&" if urlsplit(callback_url).query else "?"
    try:
        with urllib.request.urlopen(
            callback_url + separator + query, timeout=CALLBACK_TIMEOUT_S
        ) as response:
            answer = json.loads(response.read() or b"null")
    except (urllib.error.URLError, TimeoutError, ValueError, OSError):
        return data.CALLBACK_NOT_200
    if not isinstance(answer, dict) or answer.get("hub.challenge") != challenge:
        return data.CALLBACK_UNVERIFIABLE
    return None


def _view_item(subscription: dict[str, Any]) -> dict[str, Any]:
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


def _streams(activity: _Activity, query: dict[str, str]) -> Any:
    """The requested stream types the activity has, plus its series-type stream (Strava always
    adds it); keyed by type with key_by_type=true, else a list of streams with "type"."""
    streams = activity.streams or {}
    series = {s.get("series_type", "distance") for s in streams.values()}
    wanted = set(query.get("keys", ",".join(streams)).split(",")) | series
    chosen = [s for kind, s in streams.items() if kind in wanted]
    if query.get("key_by_type", "").lower() == "true":
        return {s["type"]: {k: v for k, v in s.items() if k != "type"} for s in chosen}
    return chosen


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def _any(self) -> None:
        fake: FakeStrava = self.server.fake  # type: ignore[attr-defined]
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length).decode() if length else ""
        parts = urlsplit(self.path)
        request = _Request(
            method=self.command,
            path=parts.path,
            query={k: v[0] for k, v in parse_qs(parts.query).items()},
            form={k: v[0] for k, v in parse_qs(body).items()},
            headers={k.lower(): v for k, v in self.headers.items()},
        )
        status, payload, headers = fake.answer(request)
        raw = b"" if payload is None else json.dumps(payload).encode()
        try:
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            if payload is not None:
                self.send_header("Content-Type", "application/json; charset=utf-8")
            self.send_header("Content-Length", str(len(raw)))
            self.end_headers()
            self.wfile.write(raw)
        except OSError:
            pass  # the client (maybe a killed worker) hung up

    do_GET = do_POST = do_PUT = do_DELETE = _any  # noqa: N815 — http.server's names

    def log_message(self, format: str, *args: Any) -> None:
        pass
