"""Kill the worker: a real Celery worker importing an archive is SIGKILLed half-way; a second
worker resumes the job from its cursor and the stored rows equal an uninterrupted import's.

Skips unless DATABASE_URL is PostgreSQL and REDIS_URL answers (fails instead with
PACELINE_REQUIRE_SERVICES=1). The workers use this run's test database and share its media
folder; the broker is Redis, so a killed worker's unacknowledged task would only come back
after the visibility timeout — the test re-enqueues it once the job's (short) lease expired.
"""

from __future__ import annotations

import os
import signal
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from activities.models import ImportJob
from activities.services.archives import archive_import, import_job_create
from activities.tasks import import_job_run_task
from athletes.models import Athlete
from tests.activities.archives import builders
from tests.test_services_e2e import (
    STARTUP_S,
    celery_worker,
    this_runs_database_url,
    wait_for,
)

pytestmark = [pytest.mark.services, pytest.mark.corpus, pytest.mark.django_db(transaction=True)]

LEASE_S = 3.0
IMPORT_S = 120.0


@pytest.fixture
def worker_env(services: None, tmp_path: Path, settings: Any) -> dict[str, str]:
    """The worker's environment; this process stores media in the same folder."""
    settings.MEDIA_ROOT = tmp_path / "var" / "media"
    settings.PACELINE_IMPORT_LEASE_S = LEASE_S
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST_")}
    env.update(
        DJANGO_SETTINGS_MODULE="tests.activities.archives.worker_settings",
        DATABASE_URL=this_runs_database_url(),
        REDIS_URL=os.environ["REDIS_URL"],
        PACELINE_VAR_DIR=str(tmp_path / "var"),
        PACELINE_IMPORT_LEASE_S=str(LEASE_S),
    )
    return env


@contextmanager
def worker(env: dict[str, str], log: Path) -> Iterator[subprocess.Popen[bytes]]:
    """A real worker on the "imports" queue (tests.test_services_e2e.celery_worker)."""
    with celery_worker("imports", env, log, startup_s=STARTUP_S) as proc:
        yield proc


def job_state(job_id: int) -> ImportJob:
    return ImportJob.objects.get(id=job_id)


def test_a_killed_worker_leaves_a_job_that_another_worker_finishes_with_the_same_rows(
    worker_env: dict[str, str],
    not_eager: None,
    athlete: Athlete,
    other_athlete: Athlete,
    corpus: Path,
    tmp_path: Path,
) -> None:
    archive = builders.files_zip(corpus, tmp_path)
    job = import_job_create(
        athlete=athlete,
        by=athlete.user,
        uploaded_file=SimpleUploadedFile("history.zip", archive.read_bytes()),
    )  # committed at once (transactional test): the task is on the broker now

    with worker(worker_env, tmp_path / "worker-1.log") as first:
        wait_for(
            lambda: job_state(job.id).cursor >= 3,
            timeout_s=IMPORT_S,
            what="the first worker did not get past 3 entries",
            log=tmp_path / "worker-1.log",
        )
        os.killpg(first.pid, signal.SIGKILL)
        first.wait(timeout=10)
    killed = job_state(job.id)
    assert killed.state == ImportJob.State.RUNNING
    assert 3 <= killed.cursor < killed.total == len(builders.JOB_FITS)

    time.sleep(max(0.0, (killed.lease_until - timezone.now()).total_seconds()) + 0.5)
    with worker(worker_env, tmp_path / "worker-2.log"):
        import_job_run_task.delay(job.id)
        wait_for(
            lambda: job_state(job.id).state in ImportJob.FINISHED,
            timeout_s=IMPORT_S,
            what="the second worker did not finish the job",
            log=tmp_path / "worker-2.log",
        )

    done = job_state(job.id)
    reference = archive_import(athlete=other_athlete, path=archive)
    assert done.state == ImportJob.State.DONE, done.error
    assert done.cursor == done.total
    assert builders.stored_rows(athlete) == builders.stored_rows(other_athlete)
    assert done.counts() == reference.counts()
    assert len(done.results) == len(reference.results)
