"""A 3,000-activity export through the job path, end to end, on PostgreSQL + Redis and two real
Celery workers (DESIGN §8: a 3,000-activity history in under 2 minutes on two workers).

    DATABASE_URL=postgres://… .venv/bin/python bench/export_jobs.py [--activities N]

Builds a zip of N distinct activities from the corpus's FIT files ($PACELINE_CORPUS/fit): each
copy is a real recording moved to a day of its own (bench/fit_shift.py: other bytes, another
sha256, another start; one activity a day over the years, so none overlaps another and every
one is created). Then it uploads the zip as an import job — the path the upload page takes —
to two worker processes (`celery worker --pool=solo`, subprocesses like tests/stack.py's) over
a fresh PostgreSQL database (test_<name>_exportjobs) and a private redis-server on a free port,
and prints the seconds from the job's creation until every chunk is done, every activity's
metrics are stored and the athlete's daily load is computed. Prints figures, asserts nothing.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import warnings
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
warnings.filterwarnings("ignore", message="No directory at")
warnings.filterwarnings("ignore", module="fitdecode")

from bench.fit_shift import Layout, fit_layout, shifted_fit  # noqa: E402

CORPUS = Path(os.environ.get("PACELINE_CORPUS") or ROOT.parent / "shared" / "corpus")
ACTIVITIES = 3000
WORKERS = 2
TARGET_S = 120.0
FIRST_DAY = dt.date(2018, 1, 1)
DAY_S = 86_400  # a whole number of fit_shift's 32 s steps
# Real recordings of one session each, 20-500 KB (an everyday ride, run or row); left out:
# damaged files, multisport and chained files, the 28 h and 27-day oddities.
SKIPPED_WORDS = ("broken", "multisport", "triathlon", "27-days", "big_activity")
SIZES = (20_000, 500_000)
WAIT_S = 900.0
TASK_LINE = re.compile(r"Task (?P<task>[\w.]+)\[[^\]]+\] succeeded in (?P<s>[\d.]+)s")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def spawned(argv: list[str], env: dict[str, str], log: Path) -> Iterator[subprocess.Popen[bytes]]:
    """A subprocess in a process group of its own, killed with its group at the end."""
    with log.open("wb") as out:
        proc = subprocess.Popen(  # noqa: S603 — our own argv
            argv, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
        try:
            yield proc
        finally:
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(timeout=10)


def wait_until(done: Any, what: str, timeout_s: float) -> None:
    deadline = time.monotonic() + timeout_s
    while not done():
        if time.monotonic() > deadline:
            raise SystemExit(f"export bench: {what} (after {timeout_s:.0f} s)")
        time.sleep(0.2)


def cpu_seconds(pids: list[int]) -> float:
    """User + system CPU seconds of these processes, with their reaped children's."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += sum(int(value) for value in fields[11:15])  # utime stime cutime cstime
    return total / ticks


def postgres_pids() -> list[int]:
    """The local PostgreSQL server's processes (empty where /proc does not show them)."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            if stat.read_text().split(" ", 2)[1] == "(postgres)":
                found.append(int(stat.parent.name))
        except (OSError, IndexError):
            continue
    return found


def redis_answers(url: str) -> bool:
    import redis

    try:
        return bool(redis.Redis.from_url(url, socket_connect_timeout=1).ping())
    except (redis.RedisError, OSError):
        return False


# --- The archive ---------------------------------------------------------------------------------


def sources() -> list[tuple[str, bytes, Layout, dt.date]]:
    """The corpus's one-session activity files the copies are made of, with their first day."""
    from activities.parsers import parse_file

    found = []
    for path in sorted((CORPUS / "fit").glob("*.fit")):
        data = path.read_bytes()
        if any(word in path.name for word in SKIPPED_WORDS) or not SIZES[0] < len(data) < SIZES[1]:
            continue
        try:
            where, parsed = fit_layout(data), parse_file(data, path.name)
        except Exception:  # noqa: S112 — a chained or unreadable file is simply not used
            continue
        if len(parsed) == 1:
            found.append((path.name, data, where, parsed[0].started_at.date()))
    return found


def archive_build(path: Path, count: int) -> tuple[int, int]:
    """A zip of `count` copies, copy k on day FIRST_DAY + k; returns (sources, bytes of FIT)."""
    made = sources()
    total = 0
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        for k in range(count):
            name, data, where, day = made[k % len(made)]
            copy = shifted_fit(data, ((FIRST_DAY - day).days + k) * DAY_S, where)
            archive.writestr(f"activities/{k:05d}-{name}", copy)
            total += len(copy)
    return len(made), total


# --- The stack -----------------------------------------------------------------------------------


def stack_env(folder: Path, redis_url: str) -> dict[str, str]:
    """This process and the workers: production settings, the bench's database, media, Redis."""
    os.environ.update(
        DJANGO_SETTINGS_MODULE="config.settings.base",
        REDIS_URL=redis_url,
        PACELINE_VAR_DIR=str(folder / "var"),
    )
    return dict(os.environ)


def database_setup() -> str:
    """A fresh database built from the models; returns its URL for the workers."""
    import logging

    import django

    django.setup()
    logging.getLogger("celery").setLevel(logging.WARNING)
    from django.conf import settings
    from django.db import connection

    if connection.vendor != "postgresql":
        raise SystemExit("export bench: needs PostgreSQL (DATABASE_URL=postgres://…)")
    test = settings.DATABASES["default"].setdefault("TEST", {})
    test["MIGRATE"] = False
    test["NAME"] = f"test_{settings.DATABASES['default']['NAME']}_exportjobs"
    name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    return urlunsplit(urlsplit(os.environ["DATABASE_URL"])._replace(path=f"/{name}"))


def worker_argv(n: int) -> list[str]:
    celery = str(Path(sys.executable).parent / "celery")
    return [
        celery, "-A", "config", "worker", "-Q", "default,sync,imports,metrics", "--pool=solo",
        "--without-gossip", "--without-mingle", "-l", "INFO", "-n", f"bench{n}@%h",
    ]  # fmt: skip


# --- The run -------------------------------------------------------------------------------------


def everything_done(job_id: int, athlete_id: int) -> tuple[bool, bool]:
    """(all chunks done, everything done: metrics of every activity, daily load, outbox)."""
    from activities.models import Activity, ImportJob
    from analytics.models import ActivityMetrics, DailyLoad, PendingLoad
    from core.models import OutboxMessage

    job = ImportJob.objects.get(id=job_id)
    if job.state == ImportJob.State.FAILED:
        raise SystemExit(f"export bench: the job failed: {job.error}")
    if job.state != ImportJob.State.DONE:
        return False, False
    activities = Activity.objects.filter(athlete_id=athlete_id).count()
    metrics = ActivityMetrics.objects.filter(activity__athlete_id=athlete_id).count()
    settled = (
        metrics == activities
        and not PendingLoad.objects.exists()
        and not OutboxMessage.objects.exclude(state=OutboxMessage.State.DONE).exists()
        and DailyLoad.objects.filter(athlete_id=athlete_id).exists()
    )
    return True, settled


def thresholds_enter(athlete: Any) -> None:
    """A coached athlete's entered thresholds, every threshold sport, from before the history:
    nothing is estimated after each chunk (an estimate recomputes the history's metrics)."""
    from athletes.models import Thresholds
    from core.sports import THRESHOLD_SPORTS

    Thresholds.objects.bulk_create(
        Thresholds(
            athlete=athlete, sport=sport, valid_from=FIRST_DAY - dt.timedelta(days=1),
            hr_max_bpm=190, hr_rest_bpm=50, lthr_bpm=170, ftp_w=250,
            threshold_speed_mps=4.0, css_mps=1.4, source=Thresholds.Source.ENTERED,
        )
        for sport in THRESHOLD_SPORTS
    )  # fmt: skip


def import_through_workers(archive: Path, *, thresholds: bool) -> dict[str, Any]:
    """Upload the zip as a job; the seconds until its chunks and then everything are done."""
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.db import transaction

    from activities.models import Activity
    from activities.services.uploads import import_job_create
    from athletes.models import Athlete, User

    user = User.objects.create(email="export@bench.test", first_name="Bench")
    athlete = Athlete.objects.create(user=user, time_zone="UTC")
    if thresholds:
        thresholds_enter(athlete)
    upload = SimpleUploadedFile("export.zip", archive.read_bytes())
    started = time.perf_counter()
    with transaction.atomic():  # sent to the workers once committed, as from the upload page
        job = import_job_create(athlete=athlete, by=user, uploaded_file=upload)
    chunks_done_s = 0.0

    def settled() -> bool:
        nonlocal chunks_done_s
        chunks, everything = everything_done(job.id, athlete.id)
        if chunks and not chunks_done_s:
            chunks_done_s = time.perf_counter() - started
        return everything

    wait_until(settled, "the import did not end", WAIT_S)
    seconds = time.perf_counter() - started
    job.refresh_from_db()
    return {
        "seconds": seconds,
        "chunks_done_s": chunks_done_s,
        "job": job,
        "chunks": job.chunks.count(),
        "activities": Activity.objects.filter(athlete=athlete).count(),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--activities", type=int, default=ACTIVITIES)
    parser.add_argument(
        "--no-thresholds", action="store_true", help="a new athlete: thresholds estimated"
    )
    options = parser.parse_args()
    if not (CORPUS / "fit").is_dir():
        print(f"Export jobs bench skipped: no corpus at {CORPUS} (set PACELINE_CORPUS)")
        return
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        print("Export jobs bench skipped: needs PostgreSQL (DATABASE_URL=postgres://…)")
        return
    if shutil.which("redis-server") is None:
        print("Export jobs bench skipped: no redis-server")
        return
    with tempfile.TemporaryDirectory(prefix="paceline-export-") as name:
        run(Path(name), options.activities, thresholds=not options.no_thresholds)


def run(folder: Path, count: int, *, thresholds: bool) -> None:
    redis_url = f"redis://127.0.0.1:{free_port()}/0"
    redis_argv = [shutil.which("redis-server") or "redis-server", "--port", redis_url[18:-2]]
    redis_argv += ["--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", str(folder)]
    env = stack_env(folder, redis_url)
    with spawned(redis_argv, env, folder / "redis.log"):
        wait_until(lambda: redis_answers(redis_url), "redis-server did not start", 10)
        env["DATABASE_URL"] = database_setup()
        try:
            measure(folder, env, count, thresholds=thresholds)
        finally:
            from django.db import connection

            connection.creation.destroy_test_db(connection.settings_dict["NAME"], verbosity=0)


def measure(folder: Path, env: dict[str, str], count: int, *, thresholds: bool) -> None:
    """Build the archive, start the workers, import, print."""
    started = time.perf_counter()
    archive = folder / "export.zip"
    used, fit_bytes = archive_build(archive, count)
    print(
        f"Export jobs bench · {os.cpu_count()} CPUs · {count:,} activities from {used} corpus "
        f"recordings ({fit_bytes / 1e6:.0f} MB of FIT, zip {archive.stat().st_size / 1e6:.0f}"
        f" MB, built in {time.perf_counter() - started:.0f} s)"
    )
    logs = [folder / f"worker-{n}.log" for n in range(1, WORKERS + 1)]
    with spawned(worker_argv(1), env, logs[0]) as one, spawned(worker_argv(2), env, logs[1]) as two:
        for log in logs:
            wait_until(lambda log=log: b" ready." in log.read_bytes(), "no worker", 60)
        database = postgres_pids()
        before = cpu_seconds([one.pid, two.pid]), cpu_seconds(database), time.process_time()
        figures = import_through_workers(archive, thresholds=thresholds)
        after = cpu_seconds([one.pid, two.pid]), cpu_seconds(database), time.process_time()
    print_figures(figures)
    workers, server, bench = (b - a for a, b in zip(before, after, strict=True))
    print(
        f"CPU during the import: workers {workers:.1f} s, PostgreSQL {server:.1f} s (its processes"
        f" on this machine), this process {bench:.1f} s; {os.cpu_count()} CPUs × "
        f"{figures['seconds']:.1f} s = {(os.cpu_count() or 1) * figures['seconds']:.0f} s"
    )
    print_task_times(logs)


def print_task_times(logs: list[Path]) -> None:
    """Where the workers' time went: seconds and runs per task, from their logs."""
    spent: dict[str, list[float]] = {}
    for log in logs:
        for match in TASK_LINE.finditer(log.read_text(errors="replace")):
            spent.setdefault(match["task"], []).append(float(match["s"]))
    rows = sorted(spent.items(), key=lambda item: -sum(item[1]))
    print("worker time: " + "; ".join(f"{t} {sum(s):.1f} s ({len(s)})" for t, s in rows))


def print_figures(figures: dict[str, Any]) -> None:
    job, seconds = figures["job"], figures["seconds"]
    full = figures["activities"] >= ACTIVITIES
    verdict = ("yes" if seconds < TARGET_S else "NO") if full else "not measured: fewer activities"
    print(
        f"job: {job.total:,} entries in {figures['chunks']} chunks; created {job.created:,}, "
        f"merged {job.merged}, skipped {job.skipped}, failed {job.failed}; "
        f"{figures['activities']:,} activities"
    )
    print(f"all chunks done: {figures['chunks_done_s']:.1f} s after the job was created")
    print(
        f"end to end on {WORKERS} workers (job created → chunks done, every activity's metrics "
        f"and the daily load stored): {seconds:.1f} s, {figures['activities'] / seconds:.1f} "
        f"activities/s (target < {TARGET_S:.0f} s for {ACTIVITIES:,}: {verdict})"
    )


if __name__ == "__main__":
    main()
