"""Point the real stravalib at `FakeStrava`: stravalib always builds https:// addresses, so the
session sends those for the fake's host:port as plain http, as Paceline's client does when
STRAVA_API_URL is an http:// address."""

from __future__ import annotations

import os
from urllib.parse import urlsplit

import requests
from requests.adapters import HTTPAdapter
from stravalib import Client


class PlainHttpAdapter(HTTPAdapter):
    """Sends https://host:port/… as http://host:port/…."""

    def send(
        self,
        request: requests.PreparedRequest,
        stream: bool = False,
        timeout: float | tuple[float | None, float | None] | None = None,
        verify: bool | str = True,
        cert: str | tuple[str, str] | None = None,
        proxies: dict[str, str] | None = None,
    ) -> requests.Response:
        assert request.url is not None
        request.url = "http://" + request.url.removeprefix("https://")
        return super().send(request, stream, timeout, verify, cert, proxies)


def plain_http_session(url: str) -> requests.Session:
    """A session that reaches `url` (http://host:port) when asked for https://host:port."""
    session = requests.Session()
    session.trust_env = False  # no proxy from the environment for a loopback address
    session.mount(f"https://{urlsplit(url).netloc}/", PlainHttpAdapter())
    return session


def stravalib_client(url: str, access_token: str | None = None) -> Client:
    """A stravalib Client as Paceline builds one (no in-process limiter), talking to `url`."""
    os.environ.setdefault("SILENCE_TOKEN_WARNINGS", "true")
    client = Client(
        access_token=access_token,
        rate_limit_requests=False,
        requests_session=plain_http_session(url),
    )
    client.protocol.server = urlsplit(url).netloc
    return client
