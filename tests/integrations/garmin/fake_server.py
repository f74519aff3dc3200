"""The fake Garmin on a loopback port, for Celery workers in other processes.

`FakeGarminServer` serves one `FakeGarmin` (tests/integrations/garmin/fake.py) from a thread of
the test process; the workers' `forwarder` (tests/integrations/garmin/forwarder.py) sends it
every request their `garminconnect` makes to *.garmin.com, with the Garmin host and the
sending process id in two headers. `arrived` lists the calls as they come in (each with the
`pid` that sent it), before any `hold` delays their answer.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

from tests.integrations.garmin.fake import Call, FakeGarmin

HOST_HEADER = "X-Fake-Garmin-Host"
PID_HEADER = "X-Fake-Garmin-Pid"
HOLD_MAX_S = 60.0


class FakeGarminServer:
    def __init__(self, fake: FakeGarmin) -> None:
        self.fake = fake
        self.arrived: list[Call] = []
        self._lock = threading.Lock()
        self._held: dict[str, threading.Event] = {}
        self._http = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self._http.daemon_threads = True
        self._http.garmin = self  # type: ignore[attr-defined]

    @property
    def url(self) -> str:
        host, port = self._http.server_address[:2]
        return f"http://{host!s}:{port}"

    def hold(self, path_part: str) -> None:
        """Answer the requests whose path contains `path_part` only after `release` (or a
        minute): the worker sending one is stuck in it."""
        self._held[path_part] = threading.Event()

    def release(self) -> None:
        for event in self._held.values():
            event.set()
        self._held.clear()

    def calls(self, path: str = "") -> list[Call]:
        with self._lock:
            return [call for call in self.arrived if path in call.path]

    def pids(self, path: str = "") -> list[int]:
        """The processes that sent the calls on `path`, in order, without repeats."""
        seen: list[int] = []
        for call in self.calls(path):
            pid = int(call.headers.get(PID_HEADER, "0"))
            if pid not in seen:
                seen.append(pid)
        return seen

    def answer(self, call: Call) -> tuple[int, Any, str]:
        with self._lock:
            self.arrived.append(call)
        for part, event in list(self._held.items()):
            if part in call.path:
                event.wait(HOLD_MAX_S)
        with self._lock:  # FakeGarmin's state (tickets, tokens) is not thread-safe
            return self.fake.respond(call)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def _any(self) -> None:
        garmin: FakeGarminServer = self.server.garmin  # type: ignore[attr-defined]
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        parts = urlsplit(self.path)
        headers = {k: v for k, v in self.headers.items() if k != HOST_HEADER}
        call = Call(
            method=self.command,
            host=self.headers.get(HOST_HEADER, ""),
            path=parts.path,
            query=parse_qs(parts.query),
            headers=headers,
            body=body,
        )
        status, payload, content_type = garmin.answer(call)
        if isinstance(payload, str):
            payload = payload.encode()
        elif not isinstance(payload, bytes):
            payload = json.dumps(payload).encode()
        try:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)
        except OSError:
            pass  # the worker was killed while it waited

    do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = _any  # noqa: N815 — http.server's names

    def log_message(self, format: str, *args: Any) -> None:
        pass


@contextmanager
def serving(fake: FakeGarmin) -> Iterator[FakeGarminServer]:
    server = FakeGarminServer(fake)
    thread = threading.Thread(target=server._http.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.release()
        server._http.shutdown()
        server._http.server_close()
