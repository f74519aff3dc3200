"""Import jobs: creation and kind, the lease, resuming after an interruption, time slices, pages."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import time_machine
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from activities.models import Activity, ImportChunk, ImportJob
from activities.services.archive_jobs import import_chunk_run, import_job_run
from activities.services.archive_limits import ArchiveLimits
from activities.services.archive_plan import archive_plan, reader_kind
from activities.services.archive_reader import ArchiveReader
from activities.services.archives import archive_import, batch_import
from activities.services.uploads import import_job_create
from activities.tasks import import_job_run_task, import_jobs_sweep
from athletes.models import Athlete, User
from core.leases import LeaseHeld
from core.models import OutboxMessage
from tests.activities.archives import builders
from tests.activities.archives.conftest import CrashingStorage, WorkerCrash

pytestmark = pytest.mark.corpus
FEW_FITS = builders.JOB_FITS[:9]


def upload(path: Path, name: str = "") -> SimpleUploadedFile:
    return SimpleUploadedFile(name or path.name, path.read_bytes())


@pytest.fixture
def fits_zip(corpus: Path, tmp_path: Path) -> Path:
    return builders.files_zip(corpus, tmp_path, names=FEW_FITS)


@pytest.fixture
def job(athlete: Athlete, fits_zip: Path) -> ImportJob:
    return import_job_create(athlete=athlete, by=athlete.user, uploaded_file=upload(fits_zip))


def test_a_new_job_stores_the_archive_and_runs_once_committed(
    athlete: Athlete,
    fits_zip: Path,
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        job = import_job_create(athlete=athlete, by=athlete.user, uploaded_file=upload(fits_zip))
        queued = ImportJob.objects.get(id=job.id)
        assert queued.state == ImportJob.State.QUEUED
        assert queued.archive.read() == fits_zip.read_bytes()
        assert queued.size_bytes == fits_zip.stat().st_size

    job.refresh_from_db()
    assert callbacks  # the job itself runs from the first; its imports announce on their own
    assert job.kind == ImportJob.Kind.FILES
    assert not job.archive, "the upload is deleted once its job ended"
    assert not default_storage.exists(queued.archive.name)
    assert (job.state, job.total, job.cursor, job.created) == ("done", 9, 9, 9)
    assert job.started_at is not None and job.finished_at is not None
    assert job.lease_until is None
    assert [r["outcome"] for r in job.results] == ["created"] * 9


def test_the_kind_of_an_upload_is_detected_from_its_content_not_its_name(
    athlete: Athlete, corpus: Path, tmp_path: Path
) -> None:
    garmin = builders.garmin_export(corpus, tmp_path).path
    strava = builders.strava_export(corpus, tmp_path).path

    kinds = [
        import_job_create(athlete=athlete, by=None, uploaded_file=file).kind
        for file in (
            upload(garmin),
            upload(strava),
            SimpleUploadedFile("log.csv", b"date,sport\n"),
            SimpleUploadedFile("run.fit", (corpus / "fit" / FEW_FITS[0]).read_bytes()),
            SimpleUploadedFile("notes.txt", b"activity_date;activity_type\n2026-03-02;run\n"),
            SimpleUploadedFile("export.fit", garmin.read_bytes()),
        )
    ]

    assert kinds == ["garmin_export", "strava_export", "csv", "files", "csv", "garmin_export"]


def test_a_job_leased_by_a_live_worker_is_left_alone_until_its_lease_expires(
    job: ImportJob,
) -> None:
    lease = timezone.now() + dt.timedelta(minutes=5)
    ImportJob.objects.filter(id=job.id).update(state=ImportJob.State.RUNNING, lease_until=lease)

    with pytest.raises(LeaseHeld) as held:
        import_job_run(job_id=job.id)

    assert 290 < held.value.retry_in_s <= 300  # the caller retries once the lease expired
    job.refresh_from_db()
    assert (job.state, job.cursor, job.lease_until) == ("running", 0, lease)
    assert not Activity.objects.exists()


def test_a_finished_job_is_never_run_again(job: ImportJob) -> None:
    first = import_job_run(job_id=job.id)
    assert first is not None and first.state == ImportJob.State.DONE

    assert import_job_run(job_id=job.id) is None
    assert ImportJob.objects.get(id=job.id).created == 9


def test_an_interrupted_job_resumes_from_its_cursor_and_ends_with_the_same_rows(
    athlete: Athlete,
    other_athlete: Athlete,
    fits_zip: Path,
    settings: Any,
    crashing_storage: type[CrashingStorage],
) -> None:
    settings.PACELINE_IMPORT_BATCH_ENTRIES = 3
    reference = archive_import(athlete=other_athlete, path=fits_zip)
    job = import_job_create(athlete=athlete, by=athlete.user, uploaded_file=upload(fits_zip))
    crashing_storage.saves_left = 7  # the 8th original file (entry 7, third batch) kills it

    with pytest.raises(WorkerCrash):
        import_job_run(job_id=job.id)

    job.refresh_from_db()
    assert (job.state, job.cursor, job.created, len(job.results)) == ("running", 6, 6, 6)
    assert Activity.objects.filter(athlete=athlete).count() == 6  # the third batch rolled back
    crashing_storage.saves_left = None
    with pytest.raises(LeaseHeld):  # its lease still looks alive
        import_job_run(job_id=job.id)

    with time_machine.travel(timezone.now() + dt.timedelta(minutes=6)):
        resumed = import_job_run(job_id=job.id)

    assert resumed is not None and resumed.state == ImportJob.State.DONE
    assert builders.stored_rows(athlete) == builders.stored_rows(other_athlete)
    assert resumed.counts() == reference.counts()
    assert [r["name"] for r in resumed.results] == [r.name for r in reference.results]


def test_a_long_job_runs_in_time_slices_until_done(job: ImportJob, settings: Any) -> None:
    settings.PACELINE_IMPORT_SLICE_S = 0
    settings.PACELINE_IMPORT_BATCH_ENTRIES = 2

    sliced = import_job_run(job_id=job.id)

    assert sliced is not None
    assert (sliced.state, sliced.cursor, sliced.lease_until) == ("running", 2, None)
    import_job_run_task.delay(job.id)  # eager in tests: each slice queues the next
    job.refresh_from_db()
    assert (job.state, job.cursor, job.created) == ("done", 9, 9)


# --- Pages ----------------------------------------------------------------------------------------


def page(client: Client, user: User | None, name: str, job: ImportJob, **query: str) -> Any:
    if user is not None:
        client.force_login(user)
    kwargs = {"athlete_id": job.athlete_id}
    if name != "import_job_list":
        kwargs["job_id"] = job.id
    return client.get(reverse(name, kwargs=kwargs), query)


def test_a_running_job_page_polls_its_progress_every_second(
    client: Client, athlete: Athlete, job: ImportJob
) -> None:
    ImportJob.objects.filter(id=job.id).update(state="running", total=8, cursor=2, created=2)

    response = page(client, athlete.user, "import_job_detail", job)

    html = response.content.decode()
    progress_url = reverse("import_job_progress", args=[athlete.id, job.id])
    assert response.status_code == 200
    assert f'hx-get="{progress_url}"' in html
    assert 'hx-trigger="every 1s"' in html
    assert '<progress id="import-bar-' in html and 'value="25"' in html
    assert "2 of 8 entries" in html


def test_the_progress_partial_stops_polling_once_the_job_is_done(
    client: Client, athlete: Athlete, job: ImportJob
) -> None:
    import_job_run(job_id=job.id)

    response = page(client, athlete.user, "import_job_progress", job, show="all")

    html = response.content.decode()
    assert response.status_code == 200
    assert "hx-trigger" not in html
    assert 'value="100"' in html
    assert html.count("<tr>") == 1 + 9  # header + one row per file
    assert "<html" not in html


def test_the_results_table_filters_failed_files(
    client: Client, athlete: Athlete, corpus: Path, tmp_path: Path
) -> None:
    members = {"good.fit": (corpus / "fit" / FEW_FITS[0]).read_bytes(), "bad.fit": b"nope"}
    path = tmp_path / "mixed.zip"
    path.write_bytes(builders.zip_bytes(members))
    job = import_job_create(athlete=athlete, by=athlete.user, uploaded_file=upload(path))
    import_job_run(job_id=job.id)

    failed = page(client, athlete.user, "import_job_detail", job).content.decode()
    everything = page(client, Athlete.objects.get(id=athlete.id).user, "import_job_detail", job,
                      show="all").content.decode()  # fmt: skip

    assert "bad.fit" in failed and "good.fit" not in failed
    assert "bad.fit" in everything and "good.fit" in everything


def test_the_job_list_shows_recent_jobs_with_their_state(
    client: Client, athlete: Athlete, job: ImportJob
) -> None:
    response = page(client, athlete.user, "import_job_list", job)

    assert response.status_code == 200
    assert job.original_name in response.content.decode()
    assert reverse("import_job_detail", args=[athlete.id, job.id]) in response.content.decode()


def test_the_job_list_has_an_empty_state(client: Client, other_athlete: Athlete) -> None:
    client.force_login(other_athlete.user)

    response = client.get(reverse("import_job_list", args=[other_athlete.id]))

    assert "No imports yet" in response.content.decode()


@pytest.mark.parametrize(
    ("who", "status"),
    [("athlete", 200), ("coach", 200), ("view_coach", 200), ("other_coach", 404),
     ("former_coach", 404), ("other_athlete", 404), ("staff", 404)],
)  # fmt: skip
@pytest.mark.parametrize("name", ["import_job_list", "import_job_detail", "import_job_progress"])
def test_import_pages_are_visible_only_within_the_viewers_scope(
    client: Client,
    job: ImportJob,
    request: pytest.FixtureRequest,
    who: str,
    status: int,
    name: str,
) -> None:
    person = request.getfixturevalue(who)
    user = person.user if isinstance(person, Athlete) else person

    assert page(client, user, name, job).status_code == status


def test_anonymous_visitors_are_sent_to_log_in(client: Client, job: ImportJob) -> None:
    response = page(client, None, "import_job_detail", job)

    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_another_athletes_job_is_not_found_under_this_athlete(
    client: Client, athlete: Athlete, other_athlete: Athlete, job: ImportJob
) -> None:
    client.force_login(athlete.user)
    ImportJob.objects.filter(id=job.id).update(athlete=other_athlete)

    response = client.get(reverse("import_job_detail", args=[athlete.id, job.id]))

    assert response.status_code == 404


# --- Chunks ---------------------------------------------------------------------------------------


def test_a_job_is_cut_into_chunks_that_run_in_any_order_and_end_as_one_run(
    athlete: Athlete, other_athlete: Athlete, fits_zip: Path, settings: Any
) -> None:
    settings.PACELINE_IMPORT_CHUNK_ENTRIES = 4
    reference = archive_import(athlete=other_athlete, path=fits_zip)
    job = import_job_create(athlete=athlete, by=athlete.user, uploaded_file=upload(fits_zip))
    sent: list[int] = []

    planned = import_job_run(job_id=job.id, send=sent.append)  # runs the first chunk itself

    chunks = list(ImportChunk.objects.filter(job=job).order_by("start"))
    assert [(c.start, c.end, c.done) for c in chunks] == [
        (0, 4, True),
        (4, 8, False),
        (8, 9, False),
    ]
    assert sent == [chunks[1].id, chunks[2].id]  # the others go to other workers
    assert planned is not None and (planned.state, planned.cursor) == ("running", 4)
    assert import_chunk_run(chunk_id=chunks[2].id) is None  # done: nothing to queue again
    assert ImportJob.objects.get(id=job.id).state == ImportJob.State.RUNNING
    import_chunk_run(chunk_id=chunks[1].id)
    done = ImportJob.objects.get(id=job.id)
    assert (done.state, done.cursor, done.total) == ("done", 9, 9)
    assert not done.archive
    assert builders.stored_rows(athlete) == builders.stored_rows(other_athlete)
    assert done.counts() == reference.counts()
    assert [r["name"] for r in done.results] == [r.name for r in reference.results]


def test_each_chunk_announces_its_activities_when_it_ends(
    athlete: Athlete, fits_zip: Path, settings: Any
) -> None:
    settings.PACELINE_IMPORT_CHUNK_ENTRIES = 4
    job = import_job_create(athlete=athlete, by=athlete.user, uploaded_file=upload(fits_zip))
    import_job_run(job_id=job.id, send=lambda chunk_id: None)

    announced = OutboxMessage.objects.filter(topic="ActivitiesChanged")
    first = announced.count()
    assert first >= 1  # the metrics of the first chunk need not wait for the others
    chunk = ImportChunk.objects.get(job=job, start=4)
    import_chunk_run(chunk_id=chunk.id)
    assert announced.count() > first


def test_a_chunk_whose_worker_died_is_rerun_from_its_cursor_without_duplicates(
    athlete: Athlete,
    other_athlete: Athlete,
    fits_zip: Path,
    settings: Any,
    crashing_storage: type[CrashingStorage],
) -> None:
    settings.PACELINE_IMPORT_CHUNK_ENTRIES = 4
    settings.PACELINE_IMPORT_BATCH_ENTRIES = 2
    reference = archive_import(athlete=other_athlete, path=fits_zip)
    job = import_job_create(athlete=athlete, by=athlete.user, uploaded_file=upload(fits_zip))
    import_job_run(job_id=job.id, send=lambda chunk_id: None)
    second = ImportChunk.objects.get(job=job, start=4)
    crashing_storage.saves_left = 3  # entry 7 (second batch of the chunk) kills its worker

    with pytest.raises(WorkerCrash):
        import_chunk_run(chunk_id=second.id)

    second.refresh_from_db()
    assert (second.cursor, second.done, len(second.results)) == (6, False, 2)
    assert ImportJob.objects.get(id=job.id).cursor == 6
    crashing_storage.saves_left = None
    later = timezone.now() + dt.timedelta(minutes=6)
    with pytest.raises(LeaseHeld):
        import_chunk_run(chunk_id=second.id)
    assert import_jobs_sweep(now=timezone.now()) == 0  # the lease lives: nobody sends it
    with time_machine.travel(later):
        assert import_jobs_sweep(now=later) == 2  # the dead chunk, and the one never started
    done = ImportJob.objects.get(id=job.id)
    assert done.state == ImportJob.State.DONE, done.error
    assert builders.stored_rows(athlete) == builders.stored_rows(other_athlete)
    assert done.counts() == reference.counts()
    assert [r["name"] for r in done.results] == [r.name for r in reference.results]


def test_a_failed_job_stops_its_other_chunks_at_their_next_batch(
    athlete: Athlete, fits_zip: Path, settings: Any
) -> None:
    settings.PACELINE_IMPORT_CHUNK_ENTRIES = 4
    job = import_job_create(athlete=athlete, by=athlete.user, uploaded_file=upload(fits_zip))
    import_job_run(job_id=job.id, send=lambda chunk_id: None)
    ImportJob.objects.filter(id=job.id).update(state=ImportJob.State.FAILED)
    chunk = ImportChunk.objects.get(job=job, start=4)

    assert import_chunk_run(chunk_id=chunk.id) is None

    assert Activity.objects.filter(athlete=athlete).count() == 4
    assert ImportChunk.objects.get(id=chunk.id).cursor == 4


def test_a_batch_stops_reading_at_its_byte_budget(
    athlete: Athlete, corpus: Path, fits_zip: Path, settings: Any
) -> None:
    """Every file of a batch is parsed before any is stored (the athlete's lock then covers
    the storing only), so a batch holds its files in memory: PACELINE_IMPORT_BATCH_BYTES
    bounds them. The file that crosses the budget ends the batch; nothing is left out."""
    first = (corpus / "fit" / FEW_FITS[0]).stat().st_size
    settings.PACELINE_IMPORT_BATCH_BYTES = first + 1  # the second file crosses it
    with ArchiveReader(fits_zip, limits=ArchiveLimits.from_settings(), name="x.zip") as reader:
        entries = archive_plan(reader, reader_kind(reader))
        results, after = batch_import(athlete, reader, None, entries, 0)
        assert (after, [r.outcome.value for r in results]) == (2, ["created", "created"])
        settings.PACELINE_IMPORT_BATCH_BYTES = 16 * 2**20
        results, end = batch_import(athlete, reader, None, entries, after)
    assert end == len(FEW_FITS) == 2 + len(results)
    assert Activity.objects.filter(athlete=athlete).count() == len(FEW_FITS)
