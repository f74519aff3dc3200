"""A TrainingPeaks calendar pull on real Celery workers (PostgreSQL, a private Redis): a worker
SIGKILLed while it reads the feed leaves a run that a new worker takes over, converging to
exactly the plan of one clean pull. Skips unless DATABASE_URL is PostgreSQL (fails instead with
PACELINE_REQUIRE_SERVICES=1)."""

from __future__ import annotations

import json
import os
import signal
from pathlib import Path
from typing import Any

import pytest

from athletes.models import Athlete
from integrations.models import SyncRun
from integrations.trainingpeaks.schedule import calendar_connect
from tests.celery_broker import broker
from tests.integrations.trainingpeaks.feed_server import Reply, feed_server
from tests.integrations.trainingpeaks.test_sync import _expected, _plan
from tests.stack import celery_ready, spawn
from tests.test_services_e2e import wait_for
from tests.test_strava_e2e import worker

pytestmark = [pytest.mark.services, pytest.mark.corpus, pytest.mark.django_db(transaction=True)]

STEP_S = 40.0
FEED = "/ical/feed.ics"


def test_a_worker_killed_mid_pull_leaves_a_run_a_new_worker_finishes_to_the_plan(
    private_stack: dict[str, str],
    athlete: Athlete,
    corpus: Path,
    settings: Any,
    tmp_path: Path,
) -> None:
    folder = corpus / "ical" / "trainingpeaks_realwording"
    expected = json.loads((folder / "expected.json").read_text())
    Athlete.objects.filter(id=athlete.id).update(time_zone="America/Toronto")
    athlete.refresh_from_db()
    settings.PACELINE_FEED_ALLOWED_NETWORKS = ["127.0.0.1/32"]
    env = {
        **private_stack,
        "DJANGO_SETTINGS_MODULE": "tests.garmin_e2e_settings",  # short lease, redelivery knobs
        "PACELINE_CONNECTION_LEASE_S": "3",
        "PACELINE_FEED_ALLOWED_NETWORKS": "127.0.0.1/32",
    }
    body = (folder / "pull1.ics").read_bytes()
    with feed_server() as server:
        server.routes[FEED] = Reply(body=body, delay_s=60.0)  # the first read never ends
        with (
            broker(private_stack["REDIS_URL"], settings),
            spawn("worker-1", worker("one"), env, tmp_path, celery_ready) as (first, log),
        ):
            calendar_connect(by=athlete.user, athlete=athlete, url=server.url + FEED)
            wait_for(lambda: server.requests, timeout_s=STEP_S, what="no feed read", log=log)
            os.killpg(first.pid, signal.SIGKILL)
            first.wait(timeout=10)
        run = SyncRun.objects.get(connection__athlete=athlete)
        assert run.state == SyncRun.State.RUNNING and _plan(athlete) == []

        server.routes[FEED] = Reply(body=body)
        redelivering = {**env, "PACELINE_BROKER_VISIBILITY_S": "6"}
        with spawn("worker-2", worker("two"), redelivering, tmp_path, celery_ready) as (_p, log):
            wait_for(
                lambda: SyncRun.objects.filter(id=run.id, state=SyncRun.State.DONE).exists(),
                timeout_s=STEP_S,
                what="the killed pull was not taken over",
                log=log,
            )
    assert _plan(athlete) == _expected(expected["pulls"][0]["sessions"])
    assert len(server.requests) == 2
