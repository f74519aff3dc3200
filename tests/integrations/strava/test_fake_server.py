"""The fake Strava answers the real stravalib 2.6.0 as Strava does (no database)."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import pytest
import requests
from stravalib import Client, exc
from stravalib.protocol import AccessInfo

from tests.integrations.strava.fake_server import FakeStrava
from tests.integrations.strava.plain_http import stravalib_client

pytestmark = pytest.mark.corpus

ATHLETE = 31_415
OTHER = 27_182
CID, SECRET = 4242, "fake-client-secret"
JAN_2024 = dt.datetime(2024, 1, 1, 6, tzinfo=dt.UTC)


@pytest.fixture
def fake(corpus: Path) -> Iterator[FakeStrava]:
    with FakeStrava(corpus, client_id=CID, client_secret=SECRET) as server:
        yield server


def connect(
    fake: FakeStrava, athlete_id: int = ATHLETE, scope: str = "read,activity:read_all"
) -> tuple[AccessInfo, Client]:
    """The athlete approves, we exchange the code: (access info, a client with its token)."""
    code = f"code-{athlete_id}-{scope}"
    fake.authorize(code, athlete_id, scope=scope)
    info = stravalib_client(fake.url).exchange_code_for_token(CID, SECRET, code)
    assert isinstance(info, dict)
    return info, stravalib_client(fake.url, info["access_token"])


# OAuth ---------------------------------------------------------------------------------------
def test_code_exchange_returns_tokens_and_the_athlete_once(fake: FakeStrava) -> None:
    fake.authorize("abc", ATHLETE)
    client = stravalib_client(fake.url)

    info, athlete = client.exchange_code_for_token(CID, SECRET, "abc", return_athlete=True)

    assert athlete is not None and athlete.id == ATHLETE and athlete.resource_state == 2
    assert info["expires_at"] > JAN_2024.timestamp() and len(info["access_token"]) == 40
    with pytest.raises(exc.Fault) as reused:
        client.exchange_code_for_token(CID, SECRET, "abc")
    assert reused.value.response.status_code == 400


def test_refresh_rotates_the_refresh_token_and_refuses_the_old_one(fake: FakeStrava) -> None:
    info, _ = connect(fake)
    client = stravalib_client(fake.url)

    fresh = client.refresh_access_token(CID, SECRET, info["refresh_token"])

    assert fresh["refresh_token"] != info["refresh_token"] and fake.refresh_calls == 1
    assert fake.tokens(ATHLETE)[1] == fresh["refresh_token"]
    with pytest.raises(exc.Fault) as old:
        client.refresh_access_token(CID, SECRET, info["refresh_token"])
    assert old.value.response.status_code == 400
    assert old.value.response.json()["errors"][0]["resource"] == "RefreshToken"


def test_expired_access_token_is_unauthorized_until_refreshed(fake: FakeStrava) -> None:
    info, client = connect(fake)
    fake.expire_tokens(ATHLETE)

    with pytest.raises(exc.AccessUnauthorized) as refused:
        client.get_athlete()
    assert refused.value.response.json()["message"] == "Authorization Error"

    fresh = stravalib_client(fake.url).refresh_access_token(CID, SECRET, info["refresh_token"])
    assert stravalib_client(fake.url, fresh["access_token"]).get_athlete().id == ATHLETE


def test_concurrent_refreshes_with_one_token_leave_one_winner(fake: FakeStrava) -> None:
    info, _ = connect(fake)
    fake.refresh_delay_s = 0.3
    outcomes: list[str] = []

    def refresh() -> None:
        try:
            stravalib_client(fake.url).refresh_access_token(CID, SECRET, info["refresh_token"])
            outcomes.append("ok")
        except exc.Fault:
            outcomes.append("refused")

    workers = [threading.Thread(target=refresh) for _ in range(2)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()

    assert sorted(outcomes) == ["ok", "refused"] and fake.refresh_calls == 2


def test_revoke_with_client_credentials_kills_both_tokens(fake: FakeStrava) -> None:
    info, client = connect(fake)

    answer = requests.post(
        f"{fake.url}/oauth/revoke",
        auth=(str(CID), SECRET),
        data={"token": info["refresh_token"]},
        timeout=5,
    )

    assert answer.status_code == 200 and fake.revoke_calls == 1
    assert fake.tokens(ATHLETE) == ([], None)
    with pytest.raises(exc.AccessUnauthorized):
        client.get_athlete()
    with pytest.raises(exc.Fault):
        client.refresh_access_token(CID, SECRET, info["refresh_token"])


def test_the_athletes_own_token_deauthorizes_the_app(fake: FakeStrava) -> None:
    info, client = connect(fake)
    bearer = {"Authorization": f"Bearer {info['access_token']}"}

    answer = requests.post(f"{fake.url}/oauth/deauthorize", headers=bearer, timeout=5)

    assert answer.json() == {"access_token": info["access_token"]} and fake.deauthorize_calls == 1
    with pytest.raises(exc.AccessUnauthorized):
        client.get_athlete()


# Activities ----------------------------------------------------------------------------------
def test_raw_protocol_get_returns_the_detailed_activity_with_laps(fake: FakeStrava) -> None:
    _, client = connect(fake)
    ride, _, run = fake.corpus_activities(ATHLETE, 3, start=JAN_2024)

    detail = client.protocol.get("/activities/{id}", id=ride)

    assert detail["id"] == ride and detail["athlete"]["id"] == ATHLETE
    assert detail["external_id"] == f"garmin_push_{ride + 2_000_000_000}"
    assert len(detail["laps"]) == 1
    assert detail["start_date"] == "2024-01-01T06:00:00Z"
    assert client.get_activity(run).type.root == "Run"


def test_activities_after_a_date_come_oldest_first_over_three_pages(fake: FakeStrava) -> None:
    _, client = connect(fake)
    ids = fake.corpus_activities(ATHLETE, 450, start=JAN_2024, step=dt.timedelta(hours=20))
    fake.corpus_activities(OTHER, 2, start=JAN_2024)

    listed = list(client.get_activities(after=JAN_2024 - dt.timedelta(days=1), limit=None))

    assert [a.id for a in listed] == ids
    assert [a.external_id for a in listed[:2]] == [f"garmin_push_{ids[0] + 2_000_000_000}", None]
    assert len(fake.seen("/athlete/activities")) == 3  # 200 + 200 + 50
    first = client.protocol.get("/athlete/activities", after=0, page=1, per_page=1)[0]
    assert first["resource_state"] == 2 and "laps" not in first and "polyline" not in first["map"]


def test_activities_before_a_date_come_newest_first(fake: FakeStrava) -> None:
    _, client = connect(fake)
    ids = fake.corpus_activities(ATHLETE, 5, start=JAN_2024)

    listed = list(client.get_activities(before=JAN_2024 + dt.timedelta(days=3), limit=None))

    assert [a.id for a in listed] == [ids[2], ids[1], ids[0]]


def test_streams_come_keyed_by_type_with_their_series(fake: FakeStrava) -> None:
    _, client = connect(fake)
    ride = fake.corpus_activities(ATHLETE, 1, start=JAN_2024)[0]

    streams = client.get_activity_streams(ride, types=["time", "heartrate", "watts"])

    assert set(streams) == {"time", "heartrate", "watts", "distance"}
    assert len(streams["watts"].data) == streams["watts"].original_size == 6501
    assert streams["heartrate"].series_type == "distance"


def test_changes_on_strava_show_in_the_next_read(fake: FakeStrava) -> None:
    _, client = connect(fake, scope="read,activity:read")
    ride, app_ride = fake.corpus_activities(ATHLETE, 2, start=JAN_2024)

    fake.update_activity(ride, name="Renamed", type="VirtualRide")
    fake.update_activity(app_ride, private=True)

    assert client.get_activity(ride).name == "Renamed"
    assert [a.id for a in client.get_activities(limit=None)] == [ride]  # private needs read_all
    fake.delete_activity(ride)
    with pytest.raises(exc.ObjectNotFound):
        client.get_activity(ride)


def test_unknown_or_foreign_activities_are_not_found(fake: FakeStrava) -> None:
    _, client = connect(fake)
    foreign = fake.corpus_activities(OTHER, 1, start=JAN_2024)[0]

    for activity_id in (foreign, 1):
        with pytest.raises(exc.ObjectNotFound) as missing:
            client.protocol.get("/activities/{id}", id=activity_id)
        assert missing.value.response.json()["message"] == "Resource Not Found"


# Limits and outages --------------------------------------------------------------------------
def test_every_api_answer_carries_the_fakes_own_usage(fake: FakeStrava) -> None:
    info, _ = connect(fake)
    bearer = {"Authorization": f"Bearer {info['access_token']}"}

    for _ in range(3):
        answer = requests.get(f"{fake.url}/api/v3/athlete", headers=bearer, timeout=5)
    unauthorized = requests.get(f"{fake.url}/api/v3/athlete", timeout=5)

    assert answer.headers["X-ReadRateLimit-Usage"] == "3,3"
    assert answer.headers["X-RateLimit-Limit"] == "200,2000"
    assert unauthorized.status_code == 401 and unauthorized.headers["X-RateLimit-Usage"] == "4,4"
    assert fake.api_calls == 4 and fake.seen("/api/v3/athlete")[0].token == info["access_token"]


def test_usage_starts_again_each_quarter_hour_but_not_each_day(corpus: Path) -> None:
    now = [JAN_2024.timestamp() + 14 * 60]
    with FakeStrava(corpus, client_id=CID, client_secret=SECRET, clock=lambda: now[0]) as fake:
        _, client = connect(fake)
        client.get_athlete()
        started = now[0] = now[0] + 120  # 06:16, the next quarter-hour
        client.get_athlete()

        assert fake.usage() == {"read_15m": 1, "read_day": 2, "overall_15m": 1, "overall_day": 2}
        assert [s.at for s in fake.seen("/api/v3/", since=started)] == [started]


def test_past_the_overall_limit_writes_count_too(corpus: Path) -> None:
    with FakeStrava(corpus, client_id=CID, client_secret=SECRET, overall_limits=(1, 10)) as fake:
        _, client = connect(fake)
        client.get_athlete()
        with pytest.raises(exc.Fault) as limited:
            client.get_athlete()

    assert limited.value.response.json()["errors"][0]["field"] == "overall rate limit"


def test_past_the_read_limit_stravalib_raises_a_429_fault(corpus: Path) -> None:
    with FakeStrava(corpus, client_id=CID, client_secret=SECRET, read_limits=(2, 10)) as fake:
        _, client = connect(fake)
        client.get_athlete()
        client.get_athlete()
        with pytest.raises(exc.Fault) as limited:
            client.get_athlete()

    response = limited.value.response
    assert response.status_code == 429 and response.headers["X-ReadRateLimit-Usage"] == "3,3"
    assert response.json()["errors"][0]["field"] == "read rate limit"


def test_a_storm_answers_429_with_strava_documented_headers(fake: FakeStrava) -> None:
    _, client = connect(fake)
    fake.storm(True)

    with pytest.raises(exc.Fault) as limited:
        client.get_activities(limit=None).next()

    assert limited.value.response.status_code == 429
    assert limited.value.response.headers["X-RateLimit-Usage"] == "692,29300"
    fake.storm(False)
    assert list(client.get_activities(limit=None)) == []


def test_an_inactive_application_raises_application_inactive(fake: FakeStrava) -> None:
    _, client = connect(fake)
    fake.inactive(True)

    with pytest.raises(exc.ApplicationInactive):
        client.get_athlete()


def test_an_outage_is_a_server_error_fault_and_a_slow_strava_times_out(fake: FakeStrava) -> None:
    info, client = connect(fake)
    fake.outage(503)
    with pytest.raises(exc.Fault) as down:
        client.get_athlete()
    assert down.value.response.status_code == 503

    fake.outage(None)
    fake.api_delay_s = 0.5
    bearer = {"Authorization": f"Bearer {info['access_token']}"}
    with pytest.raises(requests.Timeout):
        requests.get(f"{fake.url}/api/v3/athlete", headers=bearer, timeout=0.1)


def test_a_token_without_activity_scope_cannot_list(fake: FakeStrava) -> None:
    _, client = connect(fake, scope="read")

    with pytest.raises(exc.AccessUnauthorized) as refused:
        client.get_activities(limit=None).next()

    assert refused.value.response.json()["errors"][0]["field"] == "activity:read_permission"


# Webhooks ------------------------------------------------------------------------------------
@contextmanager
def callback_server(verify_token: str) -> Iterator[tuple[str, list[dict[str, Any]]]]:
    """Our side of the webhook, as stravalib documents it: (its URL, the events it got)."""
    events: list[dict[str, Any]] = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            query = dict(parse_qsl(urlsplit(self.path).query))
            try:
                self._reply(200, Client().handle_subscription_callback(query, verify_token))
            except AssertionError:
                self._reply(403, {})

        def do_POST(self) -> None:
            events.append(json.loads(self.rfile.read(int(self.headers["Content-Length"]))))
            self._reply(200, {})

        def _reply(self, status: int, body: dict[str, Any]) -> None:
            raw = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Length", str(len(raw)))
            self.end_headers()
            self.wfile.write(raw)

        def log_message(self, *args: object) -> None:
            return

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/strava/webhook", events
    finally:
        server.shutdown()
        server.server_close()


def test_subscription_is_created_after_the_callback_answers_the_challenge(
    fake: FakeStrava,
) -> None:
    client = stravalib_client(fake.url)
    with callback_server("s3cret") as (url, _):
        subscription = client.create_subscription(CID, SECRET, url, verify_token="s3cret")
        with pytest.raises(exc.Fault) as second:
            client.create_subscription(CID, SECRET, url, verify_token="s3cret")

    assert subscription.id == 1 and subscription.callback_url == url
    assert second.value.response.json()["errors"][0]["code"] == "already exists"
    assert [s.id for s in client.list_subscriptions(CID, SECRET)] == [1]
    client.delete_subscription(1, CID, SECRET)
    assert list(client.list_subscriptions(CID, SECRET)) == []


def test_a_callback_that_rejects_the_verify_token_gets_no_subscription(fake: FakeStrava) -> None:
    with callback_server("expected") as (url, _), pytest.raises(exc.Fault) as refused:
        stravalib_client(fake.url).create_subscription(CID, SECRET, url, verify_token="wrong")

    assert refused.value.response.status_code == 400 and fake.subscriptions == []


def test_events_reach_the_callback_with_the_fakes_ids(fake: FakeStrava) -> None:
    ride = fake.corpus_activities(ATHLETE, 1, start=JAN_2024)[0]
    with callback_server("STRAVA") as (url, events):
        stravalib_client(fake.url).create_subscription(CID, SECRET, url)
        status, elapsed_s = fake.send_event(url, fake.event("activity_create", ATHLETE, ride))
        fake.send_event(url, fake.event("athlete_deauthorize", ATHLETE))

    assert status == 200 and elapsed_s < 2
    update = Client().handle_subscription_update(events[0])
    assert (update.owner_id, update.object_id, update.subscription_id) == (ATHLETE, ride, 1)
    assert events[1]["object_id"] == ATHLETE and events[1]["updates"] == {"authorized": "false"}


# Other processes -----------------------------------------------------------------------------
WORKER = """
import sys
from tests.integrations.strava.plain_http import stravalib_client
client = stravalib_client(sys.argv[1], sys.argv[2])
print(sum(1 for _ in client.get_activities(limit=None)))
"""


def test_a_client_in_another_process_sees_what_the_test_set_up(fake: FakeStrava) -> None:
    info, _ = connect(fake)
    fake.corpus_activities(ATHLETE, 3, start=JAN_2024)

    run = subprocess.run(
        [sys.executable, "-c", WORKER, fake.url, info["access_token"]],
        capture_output=True, text=True, timeout=60, cwd=Path(__file__).parents[3],
    )  # fmt: skip

    assert run.stdout.strip() == "3", run.stderr
    assert fake.seen("/athlete/activities")[0].token == info["access_token"]
