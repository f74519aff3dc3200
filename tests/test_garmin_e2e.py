"""Garmin on the production stack: Celery workers (queue `sync`) over this run's PostgreSQL test
database and a private Redis, the real `garminconnect` in each worker talking to a loopback
fake Garmin served by this test process (tests/integrations/garmin/fake_server.py; the
workers' settings forward their *.garmin.com traffic to it, tests/garmin_e2e_settings.py).

An MFA sign-in started by one request to gunicorn and run on one worker is finished by another
request and another worker; a worker SIGKILLed in the middle of a sync leaves a run that a new
worker takes over once the lease has expired, converging to the rows of one clean run; no
password, code or token reaches the logs, the pages or the database in clear. Skips unless
DATABASE_URL is PostgreSQL (fails instead with PACELINE_REQUIRE_SERVICES=1).
"""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import signal
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
from allauth.account.models import EmailAddress
from django.db import connection as db
from django.urls import reverse

from activities.models import Activity, ActivitySource
from athletes.models import Athlete
from integrations.garmin.auth import sign_in_start
from integrations.models import Connection, LoginAttempt, SyncRun
from tests.celery_broker import broker
from tests.integrations.garmin.fake import CODE, EMAIL, PASSWORD, FakeGarmin, recorded_account
from tests.integrations.garmin.fake_server import FakeGarminServer, serving
from tests.stack import PrivateRedis, celery_ready, spawn
from tests.test_outage_e2e import post
from tests.test_services_e2e import BIN, PBKDF2, log_in, stop, wait_for

pytestmark = [pytest.mark.services, pytest.mark.corpus, pytest.mark.django_db(transaction=True)]

STEP_S = 30.0
LEASE_S = 3.0  # the workers' connection lease: a killed run is free again within seconds
VISIBILITY_S = 6.0  # and Redis gives a killed worker's message to another one after this
RIDE_FIT = "sportslib__rides_828989227.fit"
RIDE_ID = "20000000001"
DOWNLOAD = "/download-service/files/activity/"
PAGES = ("connections", "garmin_card")
WEB_PASSWORD = "paceline-e2e-athlete"


@pytest.fixture
def fake(corpus: Path) -> FakeGarmin:
    return FakeGarmin(corpus)


@pytest.fixture
def garmin(fake: FakeGarmin) -> Iterator[FakeGarminServer]:
    with serving(fake) as server:
        yield server


@pytest.fixture
def worker_env(private_stack: dict[str, str], garmin: FakeGarminServer) -> dict[str, str]:
    return {
        **private_stack,
        "DJANGO_SETTINGS_MODULE": "tests.garmin_e2e_settings",
        "PACELINE_FAKE_GARMIN_URL": garmin.url,
        "PACELINE_CONNECTION_LEASE_S": str(LEASE_S),
        "LOG_LEVEL": "DEBUG",  # the leak checks read the most the workers ever log
    }


def sync_worker(name: str) -> list[str]:
    argv = [str(BIN / "celery"), "-A", "config", "worker", "-Q", "sync", "-n", f"{name}@%h"]
    return [*argv, "--pool=solo", "-c", "1", "--without-gossip", "--without-mingle", "-l", "INFO"]


def attempt_state(attempt: LoginAttempt) -> str:
    return str(LoginAttempt.objects.get(id=attempt.id).state)


def runs_finished(athlete: Athlete, count: int) -> bool:
    runs = SyncRun.objects.filter(connection__athlete=athlete)
    return runs.count() >= count and not runs.filter(state__in=SyncRun.BUSY).exists()


def raw_column(table: str, column: str, row_id: int) -> str:
    with db.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM {table} WHERE id = %s", [row_id])  # noqa: S608
        return str(cursor.fetchone()[0])


def secrets_of(fake: FakeGarmin) -> list[str]:
    """What must never be written anywhere in clear: the password, the code, every token."""
    assert fake.refresh_tokens and fake._access
    return [PASSWORD, CODE, *fake.refresh_tokens, *fake._access]


def leaked(secrets: list[str], *texts: str) -> list[str]:
    return [secret for secret in secrets if any(secret in text for text in texts)]


def stored_tokens(connection: Connection) -> dict[str, Any]:
    connection.refresh_from_db()
    return dict(json.loads(connection.credentials_dict["tokens"]))


def web_session(web: str, athlete: Athlete, settings: Any) -> requests.Session:
    """The athlete logged in to gunicorn (a password it checks, a verified email)."""
    settings.PASSWORD_HASHERS = [PBKDF2]
    user = athlete.user
    user.set_password(WEB_PASSWORD)
    user.save()
    EmailAddress.objects.update_or_create(
        user=user, email=user.email, defaults={"verified": True, "primary": True}
    )
    session = requests.Session()
    log_in(session, web, user.email, WEB_PASSWORD)
    return session


def test_an_mfa_sign_in_started_on_one_worker_is_finished_by_another(
    private_web: str,
    worker_env: dict[str, str],
    garmin: FakeGarminServer,
    fake: FakeGarmin,
    athlete: Athlete,
    settings: Any,
    tmp_path: Path,
) -> None:
    fake.mfa = True
    fake.token_lifetime_s = 600  # within the library's 15-minute margin: every run refreshes
    web = private_web
    browser = web_session(web, athlete, settings)
    pages = [reverse(page, args=[athlete.id]) for page in PAGES]
    seen: list[str] = []
    with (
        spawn("worker-a", sync_worker("a"), worker_env, tmp_path, celery_ready) as (a, a_log),
        spawn("worker-b", sync_worker("b"), worker_env, tmp_path, celery_ready) as (b, b_log),
    ):
        workers = {a.pid: a, b.pid: b}
        started = post(
            browser, web, reverse("garmin_connect", args=[athlete.id]),
            data={"email": EMAIL, "password": PASSWORD},
        )  # fmt: skip
        assert started.status_code == 200
        attempt = LoginAttempt.objects.get(connection__athlete=athlete)
        wait_for(
            lambda: attempt_state(attempt) == LoginAttempt.State.NEEDS_CODE,
            timeout_s=STEP_S,
            what="the sign-in did not reach the MFA step",
            log=a_log,
        )
        [signed_in_by] = garmin.pids("/api/login")
        assert signed_in_by in workers
        waiting = LoginAttempt.objects.get(id=attempt.id)
        assert "password" not in waiting.secret_dict  # wiped as soon as Garmin answered
        assert PASSWORD not in raw_column("integrations_loginattempt", "secret", attempt.id)
        seen += [browser.get(web + page, timeout=30).text for page in pages]
        assert 'autocomplete="one-time-code"' in seen[0]  # the page asks for the code

        stop(workers.pop(signed_in_by))  # that worker is gone: the other one must finish
        [(other_pid, other)] = workers.items()
        other_log = b_log if other is b else a_log
        finished = post(
            browser, web, reverse("garmin_code", args=[athlete.id, attempt.id]),
            data={"code": CODE},
        )  # fmt: skip
        assert finished.status_code == 200
        wait_for(
            lambda: attempt_state(attempt) == LoginAttempt.State.DONE,
            timeout_s=STEP_S,
            what="the code step was not done by the other worker",
            log=other_log,
        )
        assert garmin.pids("/api/mfa/verifyCode") == [other_pid] != [signed_in_by]
        # The backfill and the wellness the connection queued run on the remaining worker.
        wait_for(
            lambda: runs_finished(athlete, 2),
            timeout_s=STEP_S,
            what="the runs queued after connecting did not finish",
            log=other_log,
        )
        assert other.poll() is None
        answers = [browser.get(web + page, timeout=30) for page in pages]
        assert [answer.status_code for answer in answers] == [200, 200]
        seen += [answer.text for answer in answers]

    done = LoginAttempt.objects.get(id=attempt.id)
    assert done.secret_dict == {}
    for secret in (PASSWORD, CODE):
        assert secret not in raw_column("integrations_loginattempt", "secret", attempt.id)
    connection = Connection.objects.get(athlete=athlete, provider=Connection.Provider.GARMIN)
    assert connection.status == Connection.Status.ACTIVE
    assert connection.external_user_id
    runs = SyncRun.objects.filter(connection=connection)
    assert sorted(runs.values_list("state", flat=True)) == ["done", "done"]
    # The tokens the library rotated during each run are the ones kept: the last issued.
    tokens = stored_tokens(connection)
    token_calls = [call for call in garmin.calls() if call.host.startswith("diauth.")]
    refreshes = [call for call in token_calls if call.form().get("grant_type") == "refresh_token"]
    assert len(refreshes) >= 2  # one per run at least
    assert tokens["di_refresh_token"] == fake.refresh_tokens[-1]

    secrets = secrets_of(fake)
    database = raw_column("integrations_connection", "credentials", connection.id)
    assert "di_refresh_token" not in database and database.startswith("gAAAAA")  # Fernet
    logs = [log.read_text(errors="replace") for log in (a_log, b_log)]
    assert all("integrations.garmin_login" in log for log in logs)  # both logs are the workers'
    logs.append((tmp_path / "gunicorn.log").read_text(errors="replace"))
    assert leaked(secrets, *logs) == []
    assert leaked(secrets, *seen) == []
    assert leaked(secrets, database) == []


# --- A worker killed mid-sync -------------------------------------------------------------------


def two_activities(fake: FakeGarmin, corpus: Path, today: dt.date) -> None:
    """The recorded ORIGINAL zip and a ride's FIT zipped as Garmin serves it, listed on two
    recent days (within the 90-day backfill a new connection queues)."""
    listed, files = recorded_account(corpus)
    recorded = listed[-1]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(f"{RIDE_ID}_ACTIVITY.fit", (corpus / "fit" / RIDE_FIT).read_bytes())
    ride = {
        **recorded,
        "activityId": int(RIDE_ID),
        "activityName": "Ride",
        "activityType": {"typeId": 2, "typeKey": "cycling", "parentTypeId": 17},
    }
    fake.activities = []
    for days_ago, summary in ((20, recorded), (19, ride)):
        day = (today - dt.timedelta(days=days_ago)).isoformat()
        fake.activities.append(
            {**summary, "startTimeLocal": f"{day} 07:44:29", "startTimeGMT": f"{day} 13:44:29"}
        )
    fake.files = {**files, RIDE_ID: buffer.getvalue()}


def rows(athlete: Athlete) -> list[tuple[Any, ...]]:
    activities = Activity.objects.filter(athlete=athlete).order_by("started_at")
    return [
        (
            a.started_at,
            a.sport,
            a.name,
            round(a.elapsed_s or 0, 1),
            round(a.distance_m or 0),
            sorted(
                (s.provider, s.external_id[:20], s.session_index, s.file_id is not None)
                for s in a.sources.all()
            ),
        )
        for a in activities
    ]


def backfill_of(athlete: Athlete) -> SyncRun:
    return SyncRun.objects.get(connection__athlete=athlete, kind=SyncRun.Kind.BACKFILL)


def sign_in(athlete: Athlete, redis_url: str, settings: Any, log: Path) -> LoginAttempt:
    with broker(redis_url, settings):
        attempt = sign_in_start(by=athlete.user, athlete=athlete, email=EMAIL, password=PASSWORD)
    wait_for(
        lambda: attempt_state(attempt) == LoginAttempt.State.DONE,
        timeout_s=STEP_S,
        what="the sign-in did not finish",
        log=log,
    )
    return attempt


def test_a_worker_killed_mid_sync_leaves_a_run_a_new_worker_takes_over_to_the_same_rows(
    private_redis: PrivateRedis,
    worker_env: dict[str, str],
    garmin: FakeGarminServer,
    fake: FakeGarmin,
    athlete: Athlete,
    other_athlete: Athlete,
    corpus: Path,
    settings: Any,
    tmp_path: Path,
) -> None:
    two_activities(fake, corpus, athlete.local_today())
    garmin.hold(DOWNLOAD + RIDE_ID)  # the second download never answers while the worker lives
    with spawn("worker-1", sync_worker("one"), worker_env, tmp_path, celery_ready) as (
        first,
        first_log,
    ):
        sign_in(athlete, private_redis.url, settings, first_log)  # queues the 90-day backfill
        wait_for(
            lambda: garmin.calls(DOWNLOAD + RIDE_ID),
            timeout_s=STEP_S,
            what="the backfill did not reach the second download",
            log=first_log,
        )
        os.killpg(first.pid, signal.SIGKILL)
        first.wait(timeout=10)
    garmin.release()
    killed = backfill_of(athlete)
    # What the killed worker left: the first activity imported, the second not.
    assert Activity.objects.filter(athlete=athlete).count() == 1
    assert killed.state == SyncRun.State.RUNNING and killed.finished_at is None
    assert garmin.pids(DOWNLOAD) == [first.pid]
    assert len(garmin.calls(DOWNLOAD)) == 2  # the first activity was fetched, the second not
    connection = Connection.objects.get(athlete=athlete)
    assert connection.lease_until is not None  # left behind, no longer renewed

    redelivering = {**worker_env, "PACELINE_BROKER_VISIBILITY_S": str(VISIBILITY_S)}
    with spawn("worker-2", sync_worker("two"), redelivering, tmp_path, celery_ready) as (
        second,
        second_log,
    ):
        # Redis hands the killed worker's unacknowledged message to the new worker once its
        # visibility timeout has passed; by then the run's lease has expired: it is taken over.
        wait_for(
            lambda: runs_finished(athlete, 2),
            timeout_s=STEP_S,
            what="the killed run was not taken over",
            log=second_log,
        )
        taken_over = backfill_of(athlete)
        assert taken_over.state == SyncRun.State.DONE, taken_over.error
        assert taken_over.id == killed.id  # the same run, done again from the start

        # One clean run for another athlete of another Garmin account gives the same rows.
        Connection.objects.filter(id=connection.id).update(external_user_id="")
        sign_in(other_athlete, private_redis.url, settings, second_log)
        wait_for(
            lambda: runs_finished(other_athlete, 2),
            timeout_s=STEP_S,
            what="the clean run did not finish",
            log=second_log,
        )
        assert {pid for pid in garmin.pids(DOWNLOAD)} == {first.pid, second.pid}

    assert backfill_of(other_athlete).state == SyncRun.State.DONE
    assert len(rows(athlete)) == 2
    assert rows(athlete) == rows(other_athlete)
    assert (
        ActivitySource.objects.filter(athlete=athlete).count()
        == ActivitySource.objects.filter(athlete=other_athlete).count()
    )
    logs = [log.read_text(errors="replace") for log in (first_log, second_log)]
    assert all("integrations.garmin_sync" in log for log in logs)
    assert leaked(secrets_of(fake), *logs) == []
