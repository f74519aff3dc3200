"""Fetching a pasted calendar address over real HTTP (loopback servers): what a feed server
answers comes back; any address inside a private network makes no connection at all."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from integrations.trainingpeaks.client import FeedRefused, fetch_feed, normalized
from tests.integrations.trainingpeaks.feed_server import FeedServer, Reply, feed_server


@pytest.fixture
def opened(monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    """Every address a socket was opened to during the test (an SSRF probe must open none)."""
    seen: list[Any] = []
    real = socket.create_connection

    def counting(address: Any, *args: Any, **kwargs: Any) -> socket.socket:
        seen.append(address)
        return real(address, *args, **kwargs)

    monkeypatch.setattr(socket, "create_connection", counting)
    return seen


@pytest.fixture
def server() -> Iterator[FeedServer]:
    with feed_server("127.0.0.1") as running:
        yield running


@pytest.fixture
def allowed(settings: Any) -> None:
    settings.PACELINE_FEED_ALLOWED_NETWORKS = ["127.0.0.1/32"]


def test_a_feed_comes_back_as_served(corpus: Path, server: FeedServer, allowed: None) -> None:
    body = (corpus / "ical" / "trainingpeaks_realwording" / "pull1.ics").read_bytes()
    server.routes["/ical/abc.ics?k=1"] = Reply(body=body, headers={"Content-Type": "text/calendar"})
    assert fetch_feed(f"{server.url}/ical/abc.ics?k=1") == body


def test_webcal_is_read_as_https() -> None:
    assert normalized(" webcal://www.trainingpeaks.com/ical/X.ics ") == (
        "https://www.trainingpeaks.com/ical/X.ics"
    )


@pytest.mark.parametrize(
    "address",
    [
        "http://127.0.0.1:{port}/feed.ics",
        "http://localhost:{port}/feed.ics",  # a name that resolves to loopback
        "http://[::1]:{port}/feed.ics",
        "http://[::ffff:127.0.0.1]:{port}/feed.ics",
        "http://0.0.0.0:{port}/feed.ics",
        "http://10.0.0.1/feed.ics",
        "http://192.168.1.10/feed.ics",
        "http://169.254.169.254/latest/meta-data/",
        "http://100.64.0.1/feed.ics",
        "file:///etc/passwd",
        "ftp://example.com/feed.ics",
        "gopher://127.0.0.1:{port}/",
        "http://user:pass@example.com/feed.ics",
    ],
)
def test_ssrf_probes_make_no_connection(
    address: str, server: FeedServer, opened: list[Any]
) -> None:
    with pytest.raises(FeedRefused):
        fetch_feed(address.format(port=server.port))
    assert opened == [] and server.connections == 0


def test_a_redirect_to_localhost_is_refused_before_connecting(
    server: FeedServer, allowed: None, opened: list[Any]
) -> None:
    with feed_server("127.0.0.2") as inside:
        server.routes["/feed.ics"] = Reply(302, headers={"Location": f"{inside.url}/secret"})
        with pytest.raises(FeedRefused, match="private network"):
            fetch_feed(f"{server.url}/feed.ics")
        assert inside.connections == 0
    assert server.connections == 1  # the first hop, which was allowed


def test_size_time_and_redirect_limits(server: FeedServer, allowed: None) -> None:
    server.routes["/huge"] = Reply(body=b"x" * 300)
    with pytest.raises(FeedRefused, match="too large"):
        fetch_feed(f"{server.url}/huge", max_bytes=200)
    server.routes["/slow"] = Reply(body=b"BEGIN:VCALENDAR", delay_s=1.5)
    with pytest.raises(FeedRefused):
        fetch_feed(f"{server.url}/slow", timeout_s=0.5)
    server.routes["/loop"] = Reply(302, headers={"Location": "/loop"})
    with pytest.raises(FeedRefused, match="redirects too many times"):
        fetch_feed(f"{server.url}/loop")
    with pytest.raises(FeedRefused, match="answered 404"):
        fetch_feed(f"{server.url}/missing")
