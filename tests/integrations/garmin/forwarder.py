"""Send this process's Garmin traffic to a loopback fake Garmin (tests/integrations/garmin/
fake_server.py): loaded by the settings of the Celery workers the Garmin end-to-end tests start
(tests/garmin_e2e_settings.py) when PACELINE_FAKE_GARMIN_URL is set.

Only the transport is replaced — requests' `HTTPAdapter.send` and curl_cffi's
`Session.request`, as tests/integrations/garmin/fake.py does in-process — so the real
`garminconnect` does the sign-in, MFA, token refresh and API calls above it, and nothing of
Paceline is touched. Requests to other hosts go out unchanged. The library's anti-bot pauses
are skipped (its own `time.sleep`, not the process's).
"""

from __future__ import annotations

import http.client
import os
import time
import types
from typing import Any
from urllib.parse import urlencode, urlsplit

import requests
from curl_cffi import requests as cffi_requests

from tests.integrations.garmin.fake import _body, _response
from tests.integrations.garmin.fake_server import HOST_HEADER, PID_HEADER

TIMEOUT_S = 120.0
DROPPED = {"host", "content-length", "accept-encoding", "connection", "transfer-encoding"}


def is_garmin(url: str) -> bool:
    host = urlsplit(url).hostname or ""
    return host == "garmin.com" or host.endswith(".garmin.com")


def forward(target: str, method: str, url: str, headers: Any, body: bytes) -> Any:
    """`method url` answered by the fake at `target`, as a requests.Response."""
    loopback, parts = urlsplit(target), urlsplit(url)
    sent = {str(k): str(v) for k, v in dict(headers or {}).items() if k.lower() not in DROPPED}
    sent[HOST_HEADER] = parts.hostname or ""
    sent[PID_HEADER] = str(os.getpid())
    path = parts.path + (f"?{parts.query}" if parts.query else "")
    connection = http.client.HTTPConnection(
        loopback.hostname or "127.0.0.1", loopback.port, timeout=TIMEOUT_S
    )
    try:
        connection.request(method.upper(), path, body=body or None, headers=sent)
        answer = connection.getresponse()
        data = answer.read()
        content_type = answer.getheader("Content-Type", "application/json")
        return _response(url, answer.status, data, content_type)
    finally:
        connection.close()


def install(target: str) -> None:
    original_send = requests.adapters.HTTPAdapter.send
    original_request = cffi_requests.Session.request

    def adapter_send(self: Any, request: requests.PreparedRequest, **kwargs: Any) -> Any:
        if not is_garmin(request.url or ""):
            return original_send(self, request, **kwargs)
        body = request.body if isinstance(request.body, bytes) else _body(request.body, None)
        response = forward(
            target, request.method or "GET", request.url or "", request.headers, body
        )
        response.request = request
        return response

    def cffi_request(self: Any, method: str, url: str, **kwargs: Any) -> Any:
        if not is_garmin(url):
            return original_request(self, method, url, **kwargs)
        if kwargs.get("params"):
            url += ("&" if "?" in url else "?") + urlencode(kwargs["params"], doseq=True)
        body = _body(kwargs.get("data"), kwargs.get("json"))
        return forward(target, method, url, kwargs.get("headers"), body)

    requests.adapters.HTTPAdapter.send = adapter_send  # type: ignore[method-assign]
    cffi_requests.Session.request = cffi_request  # type: ignore[method-assign,assignment]

    from garminconnect.client import sso

    no_pause = {name: getattr(time, name) for name in dir(time) if not name.startswith("_")}
    sso.time = types.SimpleNamespace(**{**no_pause, "sleep": lambda seconds: None})  # type: ignore[assignment]
