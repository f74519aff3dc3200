"""Strava on the production stack: gunicorn and real Celery workers over this run's PostgreSQL
test database and a private Redis, the real stravalib in each worker talking to a loopback fake
Strava served by this test process (tests/integrations/strava/fake_server.py; the workers reach
it through STRAVA_API_URL).

The athlete connects through the web (OAuth), the backfill runs on a worker, Strava's webhook
events (create, update, delete, deauthorize) posted to gunicorn are answered within two seconds
and done by a worker, leaving exactly the expected rows; twenty tasks finding an expired token at
once make one refresh call; a storm of 429s makes no request beyond the window and keeps no
worker busy. Skips unless DATABASE_URL is PostgreSQL (fails instead with
PACELINE_REQUIRE_SERVICES=1).
"""

from __future__ import annotations

import datetime as dt
import os
import re
import signal
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from activities.models import Activity, ActivitySource
from activities.types import Provider
from athletes.models import Athlete
from integrations.models import Connection, SyncRun, WebhookEvent
from integrations.strava.schedule import oauth_complete
from tests.celery_broker import broker
from tests.integrations.strava.fake_server import FakeStrava
from tests.stack import celery_ready, gunicorn, spawn
from tests.test_garmin_e2e import web_session
from tests.test_outage_e2e import post
from tests.test_services_e2e import BIN, wait_for

pytestmark = [pytest.mark.services, pytest.mark.corpus, pytest.mark.django_db(transaction=True)]

STEP_S = 40.0
STRAVA_ATHLETE = 1000002
SCOPE = "read,activity:read_all"


@pytest.fixture
def fake(corpus: Path) -> Iterator[FakeStrava]:
    with FakeStrava(corpus) as running:
        yield running


@pytest.fixture
def strava_env(private_stack: dict[str, str], fake: FakeStrava, settings: Any) -> dict[str, str]:
    settings.STRAVA_CLIENT_ID = str(fake.client_id)
    settings.STRAVA_CLIENT_SECRET = fake.client_secret
    settings.STRAVA_API_URL = fake.url
    return {
        **private_stack,
        "STRAVA_CLIENT_ID": str(fake.client_id),
        "STRAVA_CLIENT_SECRET": fake.client_secret,
        "STRAVA_API_URL": fake.url,
    }


@pytest.fixture
def strava_web(strava_env: dict[str, str], tmp_path: Path) -> Iterator[str]:
    """gunicorn with the Strava settings (the OAuth views and the webhook)."""
    with gunicorn(strava_env, tmp_path):
        yield strava_env["PACELINE_BASE_URL"]


def worker(name: str, *, pool: str = "solo", concurrency: int = 1) -> list[str]:
    argv = [str(BIN / "celery"), "-A", "config", "worker", "-n", f"{name}@%h"]
    argv += ["-Q", "sync,default,metrics", f"--pool={pool}", "-c", str(concurrency)]
    return [*argv, "--without-gossip", "--without-mingle", "-l", "INFO"]


def strava_rows(athlete: Athlete) -> list[tuple[Any, ...]]:
    return sorted(
        ActivitySource.objects.filter(athlete=athlete, provider=Provider.STRAVA).values_list(
            "external_id", "activity__name", "activity__sport"
        )
    )


def events_done(count: int) -> bool:
    events = WebhookEvent.objects.all()
    return events.count() >= count and not events.filter(state=WebhookEvent.State.QUEUED).exists()


def test_connect_backfill_webhooks_and_deauthorization_on_real_workers(
    strava_web: str,
    strava_env: dict[str, str],
    fake: FakeStrava,
    athlete: Athlete,
    settings: Any,
    tmp_path: Path,
) -> None:
    web = strava_web
    hook = web + reverse("strava_webhook")
    now = timezone.now()
    old = fake.corpus_activities(
        STRAVA_ATHLETE, 2, start=now - dt.timedelta(days=6), kinds=("app_ride", "run")
    )
    browser = web_session(web, athlete, settings)
    with spawn("worker", worker("a"), strava_env, tmp_path, celery_ready) as (_proc, log):
        started = post(
            browser, web, reverse("strava_connect", args=[athlete.id]), allow_redirects=False
        )
        assert started.status_code == 302
        state = re.search(r"[?&]state=([^&]+)", started.headers["Location"])
        assert state is not None
        fake.authorize("web-code", STRAVA_ATHLETE, scope=SCOPE)
        back = browser.get(
            web + reverse("strava_callback"),
            params={"state": state.group(1), "code": "web-code", "scope": SCOPE},
            timeout=30,
            allow_redirects=False,
        )
        assert back.status_code == 302
        connection = Connection.objects.get(athlete=athlete, provider=Connection.Provider.STRAVA)
        wait_for(
            lambda: SyncRun.objects.filter(
                connection=connection, state=SyncRun.State.DONE
            ).exists(),
            timeout_s=STEP_S,
            what="the backfill after connecting did not finish",
            log=log,
        )
        assert [row[0] for row in strava_rows(athlete)] == sorted(str(i) for i in old)

        [new] = fake.corpus_activities(
            STRAVA_ATHLETE, 1, start=now - dt.timedelta(hours=2), kinds=("run",)
        )
        timings = []
        for body in (
            fake.event("activity_create", STRAVA_ATHLETE, new),
            fake.event("activity_create", STRAVA_ATHLETE, new),  # delivered again
        ):
            status, elapsed = fake.send_event(hook, body)
            assert status == 200
            timings.append(elapsed)
        wait_for(lambda: events_done(1), timeout_s=STEP_S, what="create not done", log=log)
        assert WebhookEvent.objects.count() == 1
        assert len(strava_rows(athlete)) == 3

        fake.update_activity(new, name="Tempo by the river")
        status, elapsed = fake.send_event(
            hook,
            fake.event("activity_update_title", STRAVA_ATHLETE, new, title="Tempo by the river"),
        )
        timings.append(elapsed)
        wait_for(lambda: events_done(2), timeout_s=STEP_S, what="update not done", log=log)
        assert (str(new), "Tempo by the river", "run") in strava_rows(athlete)

        fake.delete_activity(old[0])
        status, elapsed = fake.send_event(
            hook, fake.event("activity_delete", STRAVA_ATHLETE, old[0])
        )
        timings.append(elapsed)
        wait_for(lambda: events_done(3), timeout_s=STEP_S, what="delete not done", log=log)
        assert sorted(row[0] for row in strava_rows(athlete)) == sorted([str(old[1]), str(new)])
        assert Activity.objects.filter(athlete=athlete).count() == 2

        fake.deauthorize(STRAVA_ATHLETE)
        status, elapsed = fake.send_event(hook, fake.event("athlete_deauthorize", STRAVA_ATHLETE))
        timings.append(elapsed)
        wait_for(
            lambda: Connection.objects.filter(
                id=connection.id, status=Connection.Status.DISCONNECTED
            ).exists(),
            timeout_s=STEP_S,
            what="deauthorize not done",
            log=log,
        )

    assert max(timings) < 2.0, timings  # Strava's limit for an answer
    connection.refresh_from_db()
    assert connection.status == Connection.Status.DISCONNECTED
    assert connection.credentials == "" and connection.external_user_id == ""
    assert not Activity.objects.filter(athlete=athlete).exists()
    assert not ActivitySource.objects.filter(athlete=athlete).exists()
    assert not WebhookEvent.objects.filter(connection=connection).exists()


def _connected(fake: FakeStrava, athlete: Athlete) -> Connection:
    fake.authorize("direct", STRAVA_ATHLETE, scope=SCOPE)
    connection = oauth_complete(by=athlete.user, athlete=athlete, code="direct", scope=SCOPE)
    connection.runs.all().delete()
    return connection


def test_twenty_tasks_on_an_expired_token_make_one_refresh(
    strava_web: str,
    strava_env: dict[str, str],
    fake: FakeStrava,
    athlete: Athlete,
    tmp_path: Path,
) -> None:
    connection = _connected(fake, athlete)
    ids = fake.corpus_activities(
        STRAVA_ATHLETE, 20, start=timezone.now() - dt.timedelta(days=2),
        step=dt.timedelta(minutes=30), kinds=("run",),
    )  # fmt: skip
    expired = {**connection.credentials_dict, "expires_at": int(timezone.now().timestamp()) - 60}
    connection.set_credentials(expired)
    connection.save(update_fields=["credentials"])
    fake.expire_tokens(STRAVA_ATHLETE)
    fake.refresh_delay_s = 1.0  # a wide window for a second refresh to slip in
    hook = strava_web + reverse("strava_webhook")
    first, second = (worker(name, pool="prefork", concurrency=5) for name in ("w1", "w2"))
    with (
        spawn("w1", first, strava_env, tmp_path, celery_ready) as (_a, log),
        spawn("w2", second, strava_env, tmp_path, celery_ready),
    ):
        answers: list[int] = []
        threads = [
            threading.Thread(
                target=lambda i=i: answers.append(
                    fake.send_event(hook, fake.event("activity_create", STRAVA_ATHLETE, i))[0]
                )
            )
            for i in ids
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert answers == [200] * 20
        wait_for(lambda: events_done(20), timeout_s=90, what="20 events not done", log=log)

    assert fake.refresh_calls == 1
    assert ActivitySource.objects.filter(provider=Provider.STRAVA).count() == 20
    assert set(WebhookEvent.objects.values_list("state", flat=True)) == {"done"}
    connection.refresh_from_db()
    _live, refresh = fake.tokens(STRAVA_ATHLETE)
    assert connection.credentials_dict["refresh_token"] == refresh


def test_a_429_storm_makes_no_request_beyond_the_window_and_keeps_no_worker(
    private_stack: dict[str, str],
    strava_env: dict[str, str],
    fake: FakeStrava,
    athlete: Athlete,
    settings: Any,
    tmp_path: Path,
) -> None:
    from config.celery import app

    connection = _connected(fake, athlete)
    [ride] = fake.corpus_activities(
        STRAVA_ATHLETE, 1, start=timezone.now() - dt.timedelta(hours=1), kinds=("run",)
    )
    storm_at = fake.clock()
    fake.storm()
    with (
        spawn("worker", worker("storm"), strava_env, tmp_path, celery_ready) as (_proc, log),
        broker(private_stack["REDIS_URL"], settings),
    ):
        from integrations.strava.webhooks import event_accept

        event_accept(fake.event("activity_create", STRAVA_ATHLETE, ride))
        wait_for(
            lambda: fake.seen("/api/v3/", since=storm_at),
            timeout_s=STEP_S,
            what="no request to Strava",
            log=log,
        )
        wait_for(
            lambda: b"Retry in" in log.read_bytes(),
            timeout_s=STEP_S,
            what="the task was not rescheduled",
            log=log,
        )
        first = fake.seen("/api/v3/", since=storm_at)
        # The worker is free at once: another task runs while the event waits for its window.
        app.send_task("core.sweep", queue="default")
        wait_for(
            lambda: re.search(rb"core\.sweep\[[^\]]+\] succeeded", log.read_bytes()),
            timeout_s=STEP_S,
            what="the worker did not take another task",
            log=log,
        )
        event = WebhookEvent.objects.get()
        assert event.state == WebhookEvent.State.QUEUED and event.sent_at is not None
        assert event.sent_at > timezone.now()  # waits for Strava's next window
        assert event.sent_at.minute % 15 == 0 or event.sent_at.hour == 0
    assert fake.seen("/api/v3/", since=storm_at) == first and len(first) == 1
    assert connection.status == Connection.Status.ACTIVE


def test_a_worker_killed_mid_backfill_leaves_a_run_a_new_worker_finishes_to_the_same_rows(
    private_stack: dict[str, str],
    strava_env: dict[str, str],
    fake: FakeStrava,
    athlete: Athlete,
    settings: Any,
    tmp_path: Path,
) -> None:
    ids = fake.corpus_activities(
        STRAVA_ATHLETE, 4, start=timezone.now() - dt.timedelta(days=9),
        step=dt.timedelta(days=2), kinds=("app_ride", "run"),
    )  # fmt: skip
    fake.api_delay_s = 1.0  # each read takes a second: the worker is killed mid-run
    env = {
        **strava_env,
        "DJANGO_SETTINGS_MODULE": "tests.garmin_e2e_settings",  # short lease, redelivery knobs
        "PACELINE_CONNECTION_LEASE_S": "3",
    }
    with (
        broker(private_stack["REDIS_URL"], settings),
        spawn("worker-1", worker("one"), env, tmp_path, celery_ready) as (first, first_log),
    ):
        fake.authorize("killed", STRAVA_ATHLETE, scope=SCOPE)
        oauth_complete(by=athlete.user, athlete=athlete, code="killed", scope=SCOPE)
        wait_for(
            lambda: ActivitySource.objects.filter(athlete=athlete).count() >= 2,
            timeout_s=STEP_S,
            what="the backfill did not import two activities",
            log=first_log,
        )
        os.killpg(first.pid, signal.SIGKILL)
        first.wait(timeout=10)
    run = SyncRun.objects.get(connection__athlete=athlete)
    left = ActivitySource.objects.filter(athlete=athlete).count()
    assert run.state == SyncRun.State.RUNNING and 2 <= left < 4

    redelivering = {**env, "PACELINE_BROKER_VISIBILITY_S": "6"}
    with spawn("worker-2", worker("two"), redelivering, tmp_path, celery_ready) as (_p, log):
        wait_for(
            lambda: SyncRun.objects.filter(id=run.id, state=SyncRun.State.DONE).exists(),
            timeout_s=STEP_S,
            what="the killed run was not taken over",
            log=log,
        )
    assert sorted(row[0] for row in strava_rows(athlete)) == sorted(str(i) for i in ids)
    assert Activity.objects.filter(athlete=athlete).count() == 4
    # The second worker went on after what was imported: no activity's samples read twice
    # but the one the first worker was reading when it died.
    streams = [len(fake.seen(f"/activities/{i}/streams")) for i in ids]
    assert sum(streams) <= 5 and min(streams) == 1
