"""`make run` has no broker: an archive still imports in the background, not inside the upload's
request, so the upload answers at once and the job's page shows its progress, then its end."""

from __future__ import annotations

import re
import threading
import time
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.urls import reverse

from activities.models import Activity, ImportJob
from athletes.models import Athlete
from tests.activities.archives import builders
from tests.conftest import need

pytestmark = [pytest.mark.corpus, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def embedded_server(monkeypatch: pytest.MonkeyPatch, settings: Any, tmp_path: Path) -> None:
    """The served process of `make run`: in-process sweep, tasks without a broker. On
    PostgreSQL: the in-memory SQLite of the tests locks whole tables between connections (its
    shared cache), which `make run`'s SQLite file (WAL) does not."""
    need(connection.vendor == "postgresql", "PostgreSQL (DATABASE_URL=postgres://…)")
    monkeypatch.setenv("PACELINE_SWEEP_IN_PROCESS", "1")
    monkeypatch.setenv("RUN_MAIN", "true")
    settings.CELERY_TASK_ALWAYS_EAGER = True
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PACELINE_IMPORT_BATCH_ENTRIES = 1  # the cursor moves visibly


def background_jobs() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name == "paceline-activities.import_job_run"]


def progress_values(client: Client, athlete: Athlete, job: ImportJob) -> list[int]:
    """The progress bar's value on each poll of the job's page until the job ended."""
    url = reverse("import_job_progress", args=[athlete.id, job.id])
    seen: list[int] = []
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        html = client.get(url).content.decode()
        seen.append(
            int(re.search(r'<progress id="import-bar-\d+" max="100" value="(\d+)"', html)[1])
        )  # type: ignore[index]
        if "hx-trigger" not in html:
            return seen
        time.sleep(0.1)
    raise AssertionError(f"the job did not end: {seen[-5:]}")


def test_an_archive_uploaded_without_a_broker_imports_in_the_background(
    embedded_server: None, client: Client, athlete: Athlete, corpus: Path, tmp_path: Path
) -> None:
    archive = builders.files_zip(corpus, tmp_path)
    client.force_login(athlete.user)

    response = client.post(
        reverse("activity_upload", args=[athlete.id]),
        {"uploads": [SimpleUploadedFile("history.zip", archive.read_bytes())]},
    )

    job = ImportJob.objects.get(athlete=athlete)
    html = response.content.decode()
    assert response.status_code == 200
    assert "?row=1" in html and 'hx-trigger="every 1s"' in html  # the row polls: not done yet
    assert background_jobs(), "the import runs in a thread of its own"
    seen = progress_values(client, athlete, job)
    for thread in background_jobs():
        thread.join(timeout=60)
    job.refresh_from_db()
    assert (job.state, job.cursor) == ("done", job.total)
    assert seen[-1] == 100 and any(0 < value < 100 for value in seen)
    made = {i for row in job.results for i in row.get("activity_ids", [])}
    assert set(Activity.objects.filter(athlete=athlete).values_list("id", flat=True)) == made
    assert made


def test_outside_the_embedded_server_a_job_still_runs_where_it_is_sent(
    client: Client, athlete: Athlete, corpus: Path, tmp_path: Path, settings: Any
) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"
    archive = builders.files_zip(corpus, tmp_path, names=builders.JOB_FITS[:2])
    client.force_login(athlete.user)

    client.post(
        reverse("activity_upload", args=[athlete.id]),
        {"uploads": [SimpleUploadedFile("two.zip", archive.read_bytes())]},
    )

    assert ImportJob.objects.get(athlete=athlete).state == ImportJob.State.DONE
    assert not background_jobs()
