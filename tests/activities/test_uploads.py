"""Uploads as an attacker or an unlucky athlete sends them: bounded while received (by content,
never by name), quotas before anything is stored, every file a job, nothing left on disk."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from pathlib import Path
from typing import Any

import pytest
import time_machine
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from activities.models import Activity, ActivityFile, ImportJob
from activities.services.storage import stored_files_sweep
from activities.services.uploads import import_job_create
from athletes.models import Athlete
from core.tasks import sweep
from tests.activities.test_pages import gpx, login

KB = 1024


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def small_limits(settings: Any) -> None:
    """Plain files up to 8 KB, zip archives up to 64 KB."""
    settings.PACELINE_MAX_UPLOAD_BYTES = 8 * KB
    settings.PACELINE_ARCHIVE_MAX_BYTES = 64 * KB


def zipped(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_STORED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def stored_names(media: Path) -> list[str]:
    return sorted(str(p.relative_to(media)) for p in media.rglob("*") if p.is_file())


def post(client: Client, athlete: Athlete, *files: SimpleUploadedFile, **extra: Any) -> Any:
    return client.post(reverse("activity_upload", args=[athlete.id]), {"uploads": files}, **extra)


@pytest.mark.usefixtures("small_limits")
def test_the_limit_of_a_file_comes_from_its_content_not_its_name(
    client: Client, athlete: Athlete, settings: Any
) -> None:
    login(client, athlete.user)
    archive = zipped({f"run-{n}.gpx": gpx(points=60) for n in range(3)})  # ~30 KB, stored
    assert 8 * KB < len(archive) < 64 * KB

    as_fit = post(client, athlete, SimpleUploadedFile("history.fit", archive))
    as_zip = post(client, athlete, SimpleUploadedFile("run.zip", gpx(points=200)))

    assert as_fit.status_code == 200  # a zip, whatever its name: the archive limit
    assert as_zip.status_code == 413  # not a zip, whatever its name: the file limit
    assert "run.zip is too large: the limit is 8.0\xa0KB." in as_zip.content.decode()
    assert [job.original_name for job in ImportJob.objects.all()] == ["history.fit"]


@pytest.mark.usefixtures("small_limits")
def test_an_upload_over_the_limit_is_stopped_while_received_and_leaves_nothing_behind(
    client: Client, athlete: Athlete, settings: Any, tmp_path: Path
) -> None:
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 1024  # received into a temporary file
    settings.FILE_UPLOAD_TEMP_DIR = str(tmp_path / "incoming")
    (tmp_path / "incoming").mkdir()
    login(client, athlete.user)
    bomb = zipped({"x.bin": b"\0" * (256 * KB)})

    response = post(client, athlete, SimpleUploadedFile("export.zip", bomb))

    assert response.status_code == 413
    assert "the limit is 64.0\xa0KB" in response.content.decode()
    assert not ImportJob.objects.exists()
    assert stored_names(tmp_path / "media") == []
    assert list((tmp_path / "incoming").iterdir()) == []


def test_a_body_declared_larger_than_any_upload_is_refused_without_being_read(
    client: Client, athlete: Athlete
) -> None:
    login(client, athlete.user)
    url = reverse("activity_upload", args=[athlete.id])

    response = client.generic(
        "POST",
        url,
        b"--x\r\n",
        content_type="multipart/form-data; boundary=x",
        CONTENT_LENGTH=str(2_200_000_000),
        headers={"X-Requested-With": "XMLHttpRequest"},
    )

    assert response.status_code == 413
    assert response.content.decode() == "This upload is too large: the limit is 2.0\xa0GB."
    assert not ImportJob.objects.exists()


@pytest.mark.django_db
def test_the_api_gets_its_413_as_json(client: Client) -> None:
    response = client.generic(
        "POST", "/api/v1/athletes/1/plan/", b"{}", CONTENT_LENGTH=str(3_000_000_000)
    )

    assert response.status_code == 413
    assert response.json() == {"detail": "This upload is too large: the limit is 2.0\xa0GB."}


@pytest.mark.django_db(transaction=True)  # committed at once: jobs run in-process
def test_a_zip_renamed_fit_and_a_csv_renamed_txt_become_jobs_of_their_real_kind(
    client: Client, athlete: Athlete
) -> None:
    login(client, athlete.user)
    archive = zipped({"a.gpx": gpx(), "b.gpx": gpx(start=timezone.now() - dt.timedelta(days=2))})
    log = b"activity_date,activity_type,distance_km,duration_min,training_load,notes\n"
    log += b"2026-03-02,run,10,50,,easy\n"

    response = post(
        client,
        athlete,
        SimpleUploadedFile("morning.fit", archive),
        SimpleUploadedFile("notes.txt", log),
    )

    assert response.status_code == 200
    jobs = {job.original_name: job for job in ImportJob.objects.all()}
    assert {name: (job.kind, job.state) for name, job in jobs.items()} == {
        "morning.fit": ("files", "done"),
        "notes.txt": ("csv", "done"),
    }
    assert (jobs["morning.fit"].created, jobs["notes.txt"].created) == (2, 1)
    assert Activity.objects.filter(athlete=athlete).count() == 3


def test_a_queued_job_row_polls_its_own_progress(client: Client, athlete: Athlete) -> None:
    login(client, athlete.user)

    response = post(client, athlete, SimpleUploadedFile("run.gpx", gpx()))  # not committed yet

    [job] = ImportJob.objects.all()
    page = response.content.decode()
    row_url = reverse("import_job_progress", args=[athlete.id, job.id]) + "?row=1"
    assert f'hx-get="{row_url}"' in page
    assert "Queued" in page
    row = client.get(row_url).content.decode()
    assert row.strip().startswith('<li class="upload-result"') and "run.gpx" in row


def test_past_the_storage_quota_an_upload_is_refused_before_it_is_stored(
    client: Client, athlete: Athlete, settings: Any, tmp_path: Path
) -> None:
    settings.PACELINE_ATHLETE_STORAGE_BYTES = 20 * KB
    ActivityFile.objects.create(
        athlete=athlete, sha256="a" * 64, file="activity-files/x.gpx", size_bytes=15 * KB,
        format="gpx", original_name="x.gpx",
    )  # fmt: skip
    login(client, athlete.user)

    response = post(client, athlete, SimpleUploadedFile("run.gpx", gpx(points=150)))

    assert response.status_code == 507
    assert "Not enough storage left" in response.content.decode()
    assert not ImportJob.objects.exists()
    assert stored_names(tmp_path / "media") == []


def test_an_athlete_runs_a_limited_number_of_imports_at_once(
    client: Client, athlete: Athlete, settings: Any
) -> None:
    settings.PACELINE_ATHLETE_ACTIVE_JOBS = 2
    login(client, athlete.user)
    for n in range(2):  # queued: this test's transaction never commits, no job runs
        post(client, athlete, SimpleUploadedFile(f"run-{n}.gpx", gpx()))

    response = post(client, athlete, SimpleUploadedFile("third.gpx", gpx()))

    assert response.status_code == 429
    assert "2 imports are still running" in response.content.decode()
    assert ImportJob.objects.count() == 2


def test_files_no_row_refers_to_are_swept_once_old_enough(athlete: Athlete, tmp_path: Path) -> None:
    kept = import_job_create(
        athlete=athlete, by=None, uploaded_file=SimpleUploadedFile("run.gpx", gpx())
    )
    orphans = [
        default_storage.save("imports/2026/03/lost-upload.zip", io.BytesIO(b"PK")),
        default_storage.save("activity-files/2026/03/rolled-back.fit", io.BytesIO(b"x")),
    ]
    recent = default_storage.save("activity-files/2026/03/in-flight.fit", io.BytesIO(b"y"))

    with time_machine.travel(timezone.now() + dt.timedelta(minutes=30)):
        assert stored_files_sweep(now=timezone.now()) == 0  # nothing an hour old yet
    default_storage.save("activity-files/2026/04/newer.fit", io.BytesIO(b"z"))
    deleted = stored_files_sweep(now=timezone.now() + dt.timedelta(minutes=90))

    assert deleted == 4  # the two orphans, the in-flight file now old, "newer" (no row)
    assert default_storage.exists(kept.archive.name)
    assert not any(default_storage.exists(name) for name in [*orphans, recent])


def test_a_queued_job_whose_message_was_lost_is_sent_again_by_the_sweep(
    athlete: Athlete,
) -> None:
    job = import_job_create(  # the test's transaction never commits: its message never went
        athlete=athlete, by=None, uploaded_file=SimpleUploadedFile("run.gpx", gpx())
    )

    assert sweep()["activities.tasks.import_jobs_sweep"] == 0  # not due yet
    with time_machine.travel(timezone.now() + dt.timedelta(minutes=5)):
        assert sweep()["activities.tasks.import_jobs_sweep"] == 1

    job.refresh_from_db()
    assert (job.state, job.created) == ("done", 1)
    assert not job.archive  # deleted once done


def test_a_running_job_whose_worker_died_is_resumed_by_the_sweep(athlete: Athlete) -> None:
    job = import_job_create(
        athlete=athlete, by=None, uploaded_file=SimpleUploadedFile("run.gpx", gpx())
    )
    gone = timezone.now() - dt.timedelta(seconds=1)
    ImportJob.objects.filter(id=job.id).update(state="running", lease_until=gone, sent_at=gone)

    with time_machine.travel(timezone.now() + dt.timedelta(minutes=5)):
        sweep()

    job.refresh_from_db()
    assert (job.state, job.cursor, job.created) == ("done", 1, 1)
