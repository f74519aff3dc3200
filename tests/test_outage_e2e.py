"""An unlucky operator's day, on the production stack: Redis stops while people work, then comes
back; a worker child and then a whole worker are SIGKILLed in the middle of an import.

gunicorn, a Celery worker and beat run over this run's PostgreSQL test database and a private
Redis on a free port (stopping it disturbs nobody else), with short sweep intervals
(tests/e2e_settings.py). Skips unless DATABASE_URL is PostgreSQL (fails instead with
PACELINE_REQUIRE_SERVICES=1).
"""

from __future__ import annotations

import datetime as dt
import io
import os
import signal
import zipfile
from pathlib import Path
from typing import Any

import pytest
import requests
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from activities.models import Activity, ImportChunk, ImportJob
from activities.services.archives import archive_import
from activities.services.uploads import import_job_create
from analytics.models import ActivityMetrics, PendingLoad
from athletes.models import Athlete, Thresholds, User
from core.models import OutboxMessage
from tests.activities.archives import builders
from tests.celery_broker import broker
from tests.stack import (
    PrivateRedis,
    beat_argv,
    beat_ready,
    celery_ready,
    process,
    spawn,
    worker_argv,
)
from tests.test_services_e2e import PBKDF2, log_in, mail_bodies, wait_for

pytestmark = [pytest.mark.services, pytest.mark.corpus, pytest.mark.django_db(transaction=True)]

RECOVERY_S = 90.0
RIDE_FIT = "sportslib__rides_828989227.fit"


# --- Redis away ---------------------------------------------------------------------------------


@pytest.fixture
def demo(private_redis: PrivateRedis, settings: Any) -> dict[str, Any]:
    """The demo data, with passwords hashed the way the production stack checks them."""
    settings.PASSWORD_HASHERS = [PBKDF2]
    call_command("seed_demo", "--athletes", "1", stdout=io.StringIO())
    coach = User.objects.get(email="coach.alice@demo.paceline.test")
    return {"coach": coach, "athlete": Athlete.objects.coached_by(coach).get()}


def session_for(web: str, user: User) -> requests.Session:
    session = requests.Session()
    log_in(session, web, user.email, "paceline-demo")
    return session


def post(session: requests.Session, web: str, path: str, **kwargs: Any) -> requests.Response:
    """A form post as the browser sends it (CSRF cookie and header, same-origin Referer)."""
    headers = {"X-CSRFToken": session.cookies["csrftoken"], "Referer": web + path}
    headers.update(kwargs.pop("headers", {}))
    return session.post(web + path, headers=headers, timeout=30, **kwargs)


def fits_zip(corpus: Path) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name in builders.JOB_FITS[:3]:
            archive.writestr(name, (corpus / "fit" / name).read_bytes())
    return buffer.getvalue()


def everything_processed(athlete: Athlete) -> bool:
    jobs_done = not ImportJob.objects.filter(athlete=athlete).exclude(state="done").exists()
    outbox_done = not OutboxMessage.objects.exclude(state="done").exists()
    return jobs_done and outbox_done and not PendingLoad.objects.exists()


def test_with_redis_away_people_keep_working_and_everything_is_processed_once_it_is_back(
    demo: dict[str, Any],
    private_redis: PrivateRedis,
    private_stack: dict[str, str],
    private_web: str,
    corpus: Path,
    tmp_path: Path,
) -> None:
    web = private_web
    coach, athlete = demo["coach"], demo["athlete"]
    rated = Activity.objects.filter(athlete=athlete).order_by("-started_at").first()
    assert rated is not None
    OutboxMessage.objects.all().delete()  # what seeding the demo published is not this test's
    with (
        process("worker", worker_argv(), private_stack, tmp_path, celery_ready) as worker_log,
        process("beat", beat_argv(tmp_path), private_stack, tmp_path, beat_ready),
    ):
        private_redis.stop()
        # Logging in and reading pages need no Redis (the cache is a database table).
        athlete_web, coach_web = session_for(web, athlete.user), session_for(web, coach)
        pages = [
            athlete_web.get(web + reverse("activity_list", args=[athlete.id]), timeout=30),
            coach_web.get(web + reverse("roster"), timeout=30),
        ]
        assert [page.status_code for page in pages] == [200, 200]
        answers = {
            "upload": post(
                athlete_web, web, reverse("activity_upload", args=[athlete.id]),
                files={"uploads": (RIDE_FIT, (corpus / "fit" / RIDE_FIT).read_bytes())},
            ),
            "manual log": post(
                athlete_web, web, reverse("activity_log_manual", args=[athlete.id]),
                data={"day": "2026-03-02", "sport": "run", "duration": "0:45:00", "rpe": "6"},
            ),
            "RPE": post(
                athlete_web, web, reverse("activity_journal", args=[athlete.id, rated.id]),
                data={"rpe": "8", "feel": "2", "notes": "Redis was down"},
            ),
            "thresholds": post(
                athlete_web, web, reverse("thresholds_add", args=[athlete.id]),
                data={"sport": "run", "valid_from": "2020-01-01", "hr_max_bpm": "188",
                      "hr_rest_bpm": "48", "lthr_bpm": "170"},
            ),
            "zip upload": post(
                athlete_web, web, reverse("activity_upload", args=[athlete.id]),
                files={"uploads": ("history.zip", fits_zip(corpus))},
            ),
            "invitation": post(
                coach_web, web, reverse("invitation_create"),
                data={"direction": "coach_to_athlete", "email": "newcomer@example.test",
                      "permission": "edit", "message": ""},
            ),
        }  # fmt: skip
        assert {what: r.status_code < 500 for what, r in answers.items()} == dict.fromkeys(
            answers, True
        )
        assert {what: r.status_code for what, r in answers.items() if r.status_code >= 400} == {}
        queued = ImportJob.objects.filter(athlete=athlete)
        assert sorted(queued.values_list("state", flat=True)) == ["queued", "queued"]
        assert OutboxMessage.objects.filter(state="pending").count() >= 4  # nothing sent
        assert not OutboxMessage.objects.filter(state="done").exists()
        assert mail_bodies(tmp_path / "mail") == []

        private_redis.start()  # on the same port: the worker and beat reconnect
        wait_for(
            lambda: everything_processed(athlete),
            timeout_s=RECOVERY_S,
            what="not everything was processed after Redis came back",
            log=worker_log,
        )

    jobs = {job.original_name: job for job in ImportJob.objects.filter(athlete=athlete)}
    assert (jobs[RIDE_FIT].created, jobs["history.zip"].created) == (1, 3)
    assert set(OutboxMessage.objects.values_list("attempts", flat=True)) == {1}  # none twice
    bodies = mail_bodies(tmp_path / "mail")
    assert len(bodies) == 1 and "newcomer@example.test" in bodies[0]
    logged = Activity.objects.get(athlete=athlete, day=dt.date(2026, 3, 2), sport="run")
    assert ActivityMetrics.objects.get(activity=logged).srpe == 6 * 45
    assert ActivityMetrics.objects.get(activity=rated).srpe == pytest.approx(
        8 * (rated.moving_s or rated.elapsed_s or 0) / 60, rel=0.01
    )
    changed = Thresholds.objects.get(athlete=athlete, sport="run", valid_from=dt.date(2020, 1, 1))
    recomputed = ActivityMetrics.objects.filter(
        activity__athlete=athlete, activity__sport="run", computed_at__gt=changed.created_at
    )
    assert recomputed.exists()
    assert not Activity.objects.filter(athlete=athlete, metrics__isnull=True).exists()


# --- Workers killed -----------------------------------------------------------------------------


def job_state(job_id: int) -> ImportJob:
    return ImportJob.objects.get(id=job_id)


def children_of(pid: int) -> list[int]:
    """The pids whose parent is `pid` (from /proc)."""
    children = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue  # the process ended meanwhile
        if int(fields[1]) == pid:
            children.append(int(stat.parent.name))
    return children


def test_a_killed_worker_child_then_a_killed_worker_leave_a_job_that_finishes_by_itself(
    private_redis: PrivateRedis,
    private_stack: dict[str, str],
    settings: Any,
    athlete: Athlete,
    other_athlete: Athlete,
    corpus: Path,
    tmp_path: Path,
) -> None:
    archive = builders.files_zip(corpus, tmp_path)
    worker = worker_argv(pool="prefork")
    with process("beat", beat_argv(tmp_path), private_stack, tmp_path, beat_ready):
        with spawn("worker-1", worker, private_stack, tmp_path, celery_ready) as (master, log):
            with broker(private_redis.url, settings):  # committed: the task goes to the worker
                job = import_job_create(
                    athlete=athlete, by=athlete.user,
                    uploaded_file=SimpleUploadedFile("history.zip", archive.read_bytes()),
                )  # fmt: skip
            wait_for(
                lambda: job_state(job.id).cursor >= 3, timeout_s=120, what="3 entries", log=log
            )
            [child] = children_of(master.pid)
            os.kill(child, signal.SIGKILL)  # the pool child dies mid-import
            at_child_kill = job_state(job.id).cursor
            wait_for(
                lambda: job_state(job.id).cursor >= at_child_kill + 3,
                timeout_s=120,
                what="the job did not go on after its worker child was killed",
                log=log,
            )
            os.killpg(master.pid, signal.SIGKILL)  # then the whole worker
            master.wait(timeout=10)
        killed = job_state(job.id)
        assert killed.state == ImportJob.State.RUNNING
        assert killed.cursor < killed.total

        with process("worker-2", worker_argv(), private_stack, tmp_path, celery_ready) as log:
            wait_for(
                lambda: job_state(job.id).state in ImportJob.FINISHED,
                timeout_s=120,
                what="the job did not finish by itself on a new worker",
                log=log,
            )

    done = job_state(job.id)
    reference = archive_import(athlete=other_athlete, path=archive)
    assert done.state == ImportJob.State.DONE, done.error
    assert done.cursor == done.total
    assert builders.stored_rows(athlete) == builders.stored_rows(other_athlete)
    assert done.counts() == reference.counts()
    assert [r["name"] for r in done.results] == [r.name for r in reference.results]


def test_the_chunks_of_one_job_run_on_two_workers_at_once(
    private_redis: PrivateRedis,
    private_stack: dict[str, str],
    settings: Any,
    athlete: Athlete,
    other_athlete: Athlete,
    corpus: Path,
    tmp_path: Path,
) -> None:
    archive = builders.files_zip(corpus, tmp_path)
    leased_at_once: list[int] = []

    def busy_chunks() -> int:
        live = ImportChunk.objects.filter(done=False, lease_until__gt=dt.datetime.now(dt.UTC))
        leased_at_once.append(live.count())
        return leased_at_once[-1]

    with (
        process("worker-1", worker_argv(), private_stack, tmp_path, celery_ready),
        process("worker-2", worker_argv(), private_stack, tmp_path, celery_ready) as log,
    ):
        with broker(private_redis.url, settings):
            job = import_job_create(
                athlete=athlete, by=athlete.user,
                uploaded_file=SimpleUploadedFile("history.zip", archive.read_bytes()),
            )  # fmt: skip
        wait_for(lambda: busy_chunks() >= 2, timeout_s=120, what="two chunks at once", log=log)
        wait_for(
            lambda: job_state(job.id).state in ImportJob.FINISHED,
            timeout_s=120,
            what="the job did not finish",
            log=log,
        )

    done = job_state(job.id)
    reference = archive_import(athlete=other_athlete, path=archive)
    assert done.state == ImportJob.State.DONE, done.error
    assert ImportChunk.objects.filter(job=done).count() == -(-done.total // 4)
    assert builders.stored_rows(athlete) == builders.stored_rows(other_athlete)
    assert done.counts() == reference.counts()
    assert [r["name"] for r in done.results] == [r.name for r in reference.results]
