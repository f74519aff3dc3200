"""A fake Strava on a loopback port, for the real stravalib (in this process or a Celery worker).

`FakeStrava(corpus)` serves OAuth (/oauth/token, /oauth/revoke, /oauth/deauthorize), the API
under /api/v3 (athlete, activity list, activity, streams, push subscriptions) and sends webhook
events. The server runs in a thread of the test process and every control is a method here, so
a client in another process sees the same state. stravalib reaches it through
`plain_http.stravalib_client(fake.url, token)` (https://host:port sent as http://).

Answers follow Strava: bearer tokens that expire and rotate, 401/404/429/403 bodies as Strava
writes them, X-RateLimit-* and X-ReadRateLimit-* headers from the fake's own 15-minute and daily
counters (quarter-hours and UTC days, like Strava's), and `after` lists ascending while a list
without it is newest first. Controls: `authorize`, `expire_tokens`, `deauthorize`, `storm`,
`inactive`, `outage`, `refresh_delay_s`, `api_delay_s`, `add_activity`, `corpus_activities`,
`update_activity`, `delete_activity`, `event` + `send_event`; counters: `requests`/`seen`,
`api_calls`, `usage`, `refresh_calls`, `revoke_calls`, `deauthorize_calls`, `subscriptions`.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, NamedTuple, Self
from urllib.parse import parse_qs, urlencode, urlsplit

from tests.integrations.strava import fake_data as data
from tests.integrations.strava import fake_webhooks as webhooks
from tests.integrations.strava.fake_auth import Access, TokenBook
from tests.integrations.strava.fake_limits import RateCounter

Reply = tuple[int, Any, dict[str, str]]  # status, JSON body (None: no body), headers
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
        self.clock = clock
        self.refresh_delay_s = 0.0
        self.api_delay_s = 0.0  # before each /api/v3 answer: a slow Strava, for timeouts
        self.requests: list[Seen] = []
        self.refresh_calls = self.revoke_calls = self.deauthorize_calls = 0
        self._lock = threading.Lock()
        self._storm = self._inactive = False
        self._approval: tuple[str, str] | None = None
        self._outage: int | None = None
        self._tokens = TokenBook()
        self._limits = RateCounter(read_limits, overall_limits)
        self._athletes: dict[int, dict[str, Any]] = {}
        self._activities: dict[int, _Activity] = {}
        self._next_id = FIRST_ACTIVITY_ID
        self._subscriptions: dict[int, dict[str, Any]] = {}
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
            self._tokens.codes[code] = (athlete_id, scope)
            self._athletes.setdefault(athlete_id, self.corpus.athlete(athlete_id))

    def approve_in_browser(
        self, code: str, athlete_id: int, scope: str = "read,activity:read_all"
    ) -> None:
        """The next visit of Strava's approval page (GET /oauth/authorize) is the athlete
        pressing Authorize: Strava sends the browser back with `code`, the state and scope."""
        self.authorize(code, athlete_id, scope)
        self._approval = (code, scope)

    def expire_tokens(self, athlete_id: int) -> None:
        """Every access token of the athlete is now expired (its refresh token still works)."""
        with self._lock:
            self._tokens.expire(athlete_id, self.clock())

    def deauthorize(self, athlete_id: int) -> None:
        """The athlete removed the app on strava.com: all their tokens stop working."""
        with self._lock:
            self._tokens.revoke(athlete_id)

    def tokens(self, athlete_id: int) -> tuple[list[str], str | None]:
        """The athlete's live access tokens and current refresh token."""
        with self._lock:
            return self._tokens.live(athlete_id)

    def storm(self, on: bool = True) -> None:
        """Answer 429 to everything, as when other users of the app spent its limit."""
        self._storm = on

    def inactive(self, on: bool = True) -> None:
        """Answer everything with 403 Application Inactive (owner has no subscription)."""
        self._inactive = on

    def outage(self, status: int | None = 503) -> None:
        """Answer everything with this 5xx status and an empty JSON body; None ends it."""
        self._outage = status

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
        return webhooks.post_event(callback_url, body)

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
            return self._limits.usage(self.clock())

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
        if self._outage is not None:
            return self._outage, {}, {}
        if request.path.startswith("/oauth/"):
            return self._oauth(request)
        if request.path.startswith("/api/v3/push_subscriptions"):
            return self._push_subscriptions(request)
        if request.path.startswith("/api/v3/"):
            time.sleep(self.api_delay_s)
            return self._api(request)
        return 404, data.not_found("resource"), {}

    # OAuth ------------------------------------------------------------------------------------
    def _oauth(self, request: _Request) -> Reply:
        if request.path == "/oauth/authorize" and request.method == "GET":
            return self._approve(request.query)
        if request.method != "POST":
            return 404, data.not_found("resource"), {}
        if request.path == "/oauth/token":
            return self._token(request.form)
        if request.path == "/oauth/revoke":
            return self._revoke(request)
        if request.path == "/oauth/deauthorize":
            return self._deauthorize(request)
        return 404, data.not_found("resource"), {}

    def _approve(self, query: dict[str, str]) -> Reply:
        approval, self._approval = self._approval, None
        if approval is None or query.get("client_id") != str(self.client_id):
            return 404, data.not_found("resource"), {}
        code, scope = approval
        back = {"state": query.get("state", ""), "code": code, "scope": scope}
        return 302, None, {"Location": f"{query.get('redirect_uri', '')}?{urlencode(back)}"}

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
            with self._lock:
                body = self._tokens.rotate(form.get("refresh_token", ""), self.clock())
            return (400, data.REFRESH_INVALID, {}) if body is None else (200, body, {})
        return 400, data.error("Bad Request", "GrantType", "grant_type", "invalid"), {}

    def _exchange(self, code: str) -> Reply:
        with self._lock:
            exchanged = self._tokens.exchange(code, self.clock())
            if exchanged is None:
                return 400, data.CODE_INVALID, {}
            athlete_id, body = exchanged
            profile = self._athletes[athlete_id]
        athlete = {k: profile.get(k) for k in data.SUMMARY_ATHLETE_KEYS}
        return 200, body | {"athlete": athlete | {"resource_state": 2}}, {}

    def _revoke(self, request: _Request) -> Reply:
        """RFC 7009: HTTP Basic client credentials, `token=` either token; revokes both."""
        basic = request.headers.get("authorization", "").removeprefix("Basic ")
        client_id, _, secret = base64.b64decode(basic).decode().partition(":")
        with self._lock:
            self.revoke_calls += 1
            if not self._client_ok(client_id, secret):
                return 401, data.CLIENT_INVALID, {}
            owner = self._tokens.owner(request.form.get("token", ""))
            if owner is not None:
                self._tokens.revoke(owner)
        return 200, {}, {}

    def _deauthorize(self, request: _Request) -> Reply:
        """The pre-2027 way out: the athlete's own access token revokes the app."""
        token = request.bearer or request.form.get("access_token", "")
        with self._lock:
            self.deauthorize_calls += 1
            access = self._tokens.valid(token, self.clock())
            if access is None:
                return 401, data.AUTH_INVALID, {}
            self._tokens.revoke(access.athlete_id)
        return 200, {"access_token": token}, {}

    # API ----------------------------------------------------------------------------------
    def _api(self, request: _Request) -> Reply:
        with self._lock:
            usage = self._limits.count(request.method, self.clock())
            headers = self._limits.headers(usage)
            exceeded = self._limits.exceeded(request.method, usage)
            if exceeded is not None:
                return (
                    429,
                    self.corpus.json(f"ratelimit/{exceeded}_limit_429.json")["body"],
                    headers,
                )
            access = self._tokens.valid(request.bearer, self.clock())
            if access is None:
                return 401, data.AUTH_INVALID, headers
            status, body = self._route(request, access)
        return status, body, headers

    def _route(self, request: _Request, access: Access) -> tuple[int, Any]:
        """Locked."""
        path = request.path.removeprefix("/api/v3")
        if request.method == "GET" and path == "/athlete":
            return 200, self._athletes[access.athlete_id]
        if "activity:read" not in access.scope:  # activity:read_all contains it
            return 401, data.SCOPE_MISSING
        if request.method == "GET" and path == "/athlete/activities":
            return 200, self._list(access, request.query)
        match = re.fullmatch(r"/activities/(\d+)(/streams)?", path)
        if request.method != "GET" or match is None:
            return 404, data.not_found("resource")
        activity = self._activities.get(int(match[1]))
        if activity is None or not _visible(activity, access):
            return 404, data.not_found("Activity")
        if match[2]:
            return 200, data.streams_answer(activity.streams, request.query)
        return 200, activity.detail

    def _list(self, access: Access, query: dict[str, str]) -> list[dict[str, Any]]:
        """Strava's order: with `after`, oldest first from it; otherwise newest first."""
        after, before = query.get("after"), query.get("before")
        rows = [a for a in self._activities.values() if _visible(a, access)]
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
            return 200, [webhooks.view_item(s) for s in listed], {}
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
        failure = webhooks.verify_callback(callback_url, form.get("verify_token", ""))
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


def _visible(activity: _Activity, access: Access) -> bool:
    """The token's own activity; a private one only with activity:read_all."""
    if activity.athlete_id != access.athlete_id:
        return False
    return not activity.detail.get("private") or "activity:read_all" in access.scope


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
