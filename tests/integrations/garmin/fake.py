"""A fake Garmin at the HTTP boundary: the real `garminconnect` library talks to it.

`FakeGarmin` answers what Garmin's SSO, DI-token and API hosts answer, from the recorded
responses in PACELINE_CORPUS/garmin (garth_sso/ for the login and MFA exchange,
garth_cassettes/ for the profile, settings, activity list and the ORIGINAL zip). No public
recording of the DI token exchange exists, so that one is made here in Garmin's shape (a JWT
with `exp` and `client_id`, a refresh token that rotates on every refresh).

`installed(fake)` routes every HTTP request of the process — requests' adapters and curl_cffi
sessions alike — to the fake; nothing of Paceline is replaced. `fake.log` records each request
(method, host, path) so tests count what was asked of Garmin.
"""

from __future__ import annotations

import base64
import json
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
import requests
from curl_cffi import requests as cffi_requests
from requests.structures import CaseInsensitiveDict

EMAIL = "athlete@example.com"
PASSWORD = "correct horse battery staple"
CODE = "123456"
PROFILE_ID = 2591602
DISPLAY_NAME = "mtamizi"


# API path → recorded body in garth_cassettes/.
API_ROUTES = {
    "/userprofile-service/socialProfile": (
        "test_user_profile__0__userprofile-service-socialProfile.json"
    ),
    "/userprofile-service/userprofile/user-settings": (
        "test_user_settings__0__userprofile-service-userprofile-user-settings.json"
    ),
}


# Wellness kind → (path prefix, the query argument holding the day or "" for the last path
# segment, what Garmin answers for a day without data).
WELLNESS_PATHS: dict[str, tuple[str, str, Any]] = {
    "user_summary": ("/usersummary-service/usersummary/daily/", "calendarDate", {}),
    "sleep": ("/wellness-service/wellness/dailySleepData/", "date", {}),
    "hrv": ("/hrv-service/hrv/", "", {}),
    "readiness": ("/metrics-service/metrics/trainingreadiness/", "", []),
    "weigh_ins": ("/weight-service/weight/dayview/", "", {"dateWeightList": []}),
}
# The recorded wellness bodies: (kind, file under garmin/).
RECORDED_WELLNESS = (
    (
        "user_summary",
        "python-garminconnect/cassettes/"
        "test_user_summary__1__usersummary-service-usersummary-daily-SANITIZED.json",
    ),
    (
        "user_summary",
        "garth_cassettes/test_daily_summary_get__2__usersummary-service-usersummary-daily.json",
    ),
    (
        "sleep",
        "garth_cassettes/test_sleep_data_get__1__wellness-service-wellness-dailySleepData-mtamizi.json",
    ),
    ("hrv", "garth_cassettes/test_hrv_data_get__0__hrv-service-hrv-2023-07-20.json"),
    (
        "readiness",
        "garth_cassettes/"
        "test_morning_training_readiness_data_get__0__metrics-service-metrics-trainingreadiness-2025-07-07.json",
    ),
    (
        "weigh_ins",
        "garth_cassettes/test_get_daily_weight_data__0__weight-service-weight-dayview-2025-06-15.json",
    ),
)


def recorded_wellness(corpus: Path) -> dict[tuple[str, str], Any]:
    """Each recorded wellness body under its own calendar day."""
    found: dict[tuple[str, str], Any] = {}
    for kind, name in RECORDED_WELLNESS:
        body = json.loads((corpus / "garmin" / name).read_text())
        inner = body[0] if isinstance(body, list) else body
        inner = inner.get("dailySleepDTO") or inner.get("hrvSummary") or inner
        day = str(inner.get("calendarDate") or inner.get("startDate"))[:10]
        found[(kind, day)] = body
    return found


@dataclass(frozen=True)
class Call:
    method: str
    host: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body or b"null")

    def form(self) -> dict[str, str]:
        return {key: values[0] for key, values in parse_qs(self.body.decode()).items()}


def _jwt(payload: dict[str, Any]) -> str:
    def part(value: dict[str, Any]) -> str:
        return base64.urlsafe_b64encode(json.dumps(value).encode()).decode().rstrip("=")

    return f"{part({'alg': 'RS256', 'typ': 'JWT'})}.{part(payload)}.c2lnbmF0dXJl"


def _response(url: str, status: int, body: bytes | str | Any, content_type: str) -> Any:
    response = requests.Response()
    response.status_code = status
    response.url = url
    response.reason = "OK" if status < 400 else "Error"
    if isinstance(body, str):
        body = body.encode()
    elif not isinstance(body, bytes):
        body = json.dumps(body).encode()
    response._content = body
    response.headers = CaseInsensitiveDict({"Content-Type": content_type})
    response.encoding = "utf-8"
    return response


@dataclass
class FakeGarmin:
    """Garmin for one account. Switches: `mfa`, `login_status` (e.g. 429 on every SSO
    request), `api_status` (e.g. 429 on every API call), `token_lifetime_s`."""

    corpus: Path
    mfa: bool = False
    login_status: int = 200
    api_status: int = 200
    token_lifetime_s: int = 3600
    # The account's activities (list summaries) and ORIGINAL downloads by activity id.
    activities: list[dict[str, Any]] = field(default_factory=list)
    files: dict[str, bytes] = field(default_factory=dict)
    # Wellness bodies by (kind, day): the kinds of WELLNESS_PATHS.
    wellness: dict[tuple[str, str], Any] = field(default_factory=dict)
    log: list[Call] = field(default_factory=list)
    refresh_tokens: list[str] = field(default_factory=list)
    _tickets: set[str] = field(default_factory=set)
    _access: dict[str, float] = field(default_factory=dict)
    _issued: int = 0

    # --- what tests read -------------------------------------------------------------------
    def calls(self, host: str = "", path: str = "") -> list[Call]:
        return [c for c in self.log if host in c.host and path in c.path]

    def login_calls(self) -> list[Call]:
        return self.calls(host="sso.") + self.calls(host="diauth.")

    def recorded(self, name: str) -> Any:
        return json.loads((self.corpus / "garmin" / name).read_text())

    # --- the router ------------------------------------------------------------------------
    def respond(self, call: Call) -> tuple[int, Any, str]:
        self.log.append(call)
        if call.host.startswith("sso."):
            if self.login_status != 200:
                return self.login_status, "<html>Access denied</html>", "text/html"
            return self._sso(call)
        if call.host.startswith("diauth."):
            if self.login_status != 200:
                return self.login_status, {"error": "too many requests"}, "application/json"
            return self._token(call)
        if call.host.startswith("connectapi."):
            return self._api(call)
        return 404, {"message": f"fake Garmin does not know {call.host}"}, "application/json"

    def _recorded_sso(self, cassette: str, index: int) -> Any:
        interaction = self.recorded(f"garth_sso/{cassette}")["interactions"][index]
        return json.loads(interaction["response"]["body"])

    def _sso(self, call: Call) -> tuple[int, Any, str]:
        if call.method == "GET":  # the sign-in page the app's web view loads first
            return 200, "<html><title>GARMIN Authentication Application</title></html>", "text/html"
        if call.path.endswith("/api/login"):
            sent = call.json()
            if sent.get("username") != EMAIL or sent.get("password") != PASSWORD:
                body = {"responseStatus": {"type": "INVALID_USERNAME_PASSWORD"}}
                return 200, body, "application/json"
            if self.mfa:
                return (
                    200,
                    self._recorded_sso("test_login_return_on_mfa.json", 1),
                    "application/json",
                )
            return 200, self._ticket(), "application/json"
        if call.path.endswith("/api/mfa/verifyCode"):
            if call.json().get("mfaVerificationCode") != CODE:
                return 200, {"responseStatus": {"type": "INVALID_MFA_CODE"}}, "application/json"
            return 200, self._ticket(), "application/json"
        return 404, "<html>not found</html>", "text/html"

    def _ticket(self) -> dict[str, Any]:
        body = self._recorded_sso("test_resume_login.json", 2)
        self._issued += 1
        ticket = f"ST-{self._issued:07d}-FAKEfakeFAKEfake0000-sso"
        self._tickets.add(ticket)
        return {**body, "serviceTicketId": ticket}

    def _token(self, call: Call) -> tuple[int, Any, str]:
        form = call.form()
        if form.get("grant_type") == "refresh_token":
            if not self.refresh_tokens or form.get("refresh_token") != self.refresh_tokens[-1]:
                return 401, {"error": "invalid_grant"}, "application/json"
        elif form.get("service_ticket") not in self._tickets:
            return 400, {"error": "invalid ticket"}, "application/json"
        else:
            self._tickets.discard(form["service_ticket"])
        self._issued += 1
        expires = time.time() + self.token_lifetime_s
        access = _jwt({"exp": int(expires), "client_id": form["client_id"], "n": self._issued})
        refresh = f"refresh-{self._issued}"
        self._access[access] = expires
        self.refresh_tokens.append(refresh)
        body = {"access_token": access, "refresh_token": refresh, "expires_in": 3600}
        return 200, body, "application/json"

    def _api(self, call: Call) -> tuple[int, Any, str]:
        if self.api_status != 200:
            return self.api_status, {"message": "Too Many Requests"}, "application/json"
        bearer = call.headers.get("Authorization", "").removeprefix("Bearer ")
        if self._access.get(bearer, 0) < time.time():
            return 401, {"message": "Token is not active"}, "application/json"
        if call.path == "/activitylist-service/activities/search/activities":
            return 200, self._activity_page(call), "application/json"
        if call.path.startswith("/download-service/files/activity/"):
            data = self.files.get(call.path.rsplit("/", 1)[-1])
            if data is None:
                return 404, {"message": "Not Found"}, "application/json"
            return 200, data, "application/x-zip-compressed"
        for kind, (prefix, by_query, empty) in WELLNESS_PATHS.items():
            if call.path.startswith(prefix):
                day = (
                    call.query.get(by_query, [""])[0] if by_query else call.path.rsplit("/", 1)[-1]
                )
                return 200, self.wellness.get((kind, day), empty), "application/json"
        if call.path in API_ROUTES:
            return (
                200,
                self.recorded("garth_cassettes/" + API_ROUTES[call.path]),
                "application/json",
            )
        return 404, {"message": "Not Found"}, "application/json"

    def _activity_page(self, call: Call) -> list[dict[str, Any]]:
        """The search endpoint: activities whose local start day is in [startDate, endDate],
        sorted as asked, `limit` from `start` (an empty page ends the listing)."""

        def arg(name: str, default: str = "") -> str:
            return call.query.get(name, [default])[0]

        first, last = arg("startDate"), arg("endDate", "9999-12-31")
        found = [a for a in self.activities if first <= a["startTimeLocal"][:10] <= last]
        found.sort(key=lambda a: a["startTimeLocal"], reverse=arg("sortOrder") != "asc")
        start, limit = int(arg("start", "0")), int(arg("limit", "20"))
        return found[start : start + limit]


def recorded_account(corpus: Path) -> tuple[list[dict[str, Any]], dict[str, bytes]]:
    """The recorded activity list (three activities Garmin has no ORIGINAL recording of here)
    and the recorded ORIGINAL zip, listed with a summary made from the first recorded one: its
    id, sport, start and duration are the zip's FIT (11998957007, a fenix 6X strength session
    of 2023-09-11, 13:44:29 UTC, 07:44:29 local)."""
    folder = corpus / "garmin" / "garth_cassettes"
    listed = json.loads(
        (
            folder / "test_activity_list__0__activitylist-service-activities-search-activities.json"
        ).read_text()
    )
    zipped = folder / "test_download__0__download-service-files-activity-11998957007.zip"
    recorded = {
        **listed[0],
        "activityId": 11998957007,
        "activityName": "Strength",
        "activityType": {"typeId": 13, "typeKey": "strength_training", "parentTypeId": 29},
        "startTimeLocal": "2023-09-11 07:44:29",
        "startTimeGMT": "2023-09-11 13:44:29",
        "beginTimestamp": 1694439869000,
        "duration": 4339.054,
        "elapsedDuration": 4339.054,
        "distance": 0.0,
    }
    return [*listed, recorded], {"11998957007": zipped.read_bytes()}


def _call(method: str, url: str, params: Any, headers: Any, body: bytes) -> Call:
    parts = urlsplit(url)
    query = parse_qs(parts.query)
    if params:
        query.update(parse_qs(urlencode(params, doseq=True)))
    return Call(
        method=method.upper(),
        host=parts.hostname or "",
        path=parts.path,
        query=query,
        headers={str(k): str(v) for k, v in dict(headers or {}).items()},
        body=body,
    )


def _body(data: Any, json_body: Any) -> bytes:
    if json_body is not None:
        return json.dumps(json_body).encode()
    if isinstance(data, dict):
        return urlencode(data).encode()
    if isinstance(data, str):
        return data.encode()
    return bytes(data or b"")


@contextmanager
def installed(fake: FakeGarmin, monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeGarmin]:
    """Route every HTTP request of this process to `fake` (requests and curl_cffi)."""

    def answer(call: Call, url: str) -> Any:
        status, body, content_type = fake.respond(call)
        return _response(url, status, body, content_type)

    def adapter_send(self: Any, request: requests.PreparedRequest, **kwargs: Any) -> Any:
        body = request.body if isinstance(request.body, bytes) else _body(request.body, None)
        call = _call(request.method or "GET", request.url or "", None, request.headers, body)
        response = answer(call, request.url or "")
        response.request = request
        return response

    def cffi_request(self: Any, method: str, url: str, **kwargs: Any) -> Any:
        body = _body(kwargs.get("data"), kwargs.get("json"))
        call = _call(method, url, kwargs.get("params"), kwargs.get("headers"), body)
        return answer(call, url)

    no_sleep: Callable[[float], None] = lambda seconds: None  # noqa: E731 — the SSO's anti-bot pauses
    monkeypatch.setattr(requests.adapters.HTTPAdapter, "send", adapter_send)
    monkeypatch.setattr(cffi_requests.Session, "request", cffi_request)
    monkeypatch.setattr("garminconnect.client.sso.time.sleep", no_sleep)
    yield fake
