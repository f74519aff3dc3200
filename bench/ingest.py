"""Ingest throughput against a bare fitdecode parse, projection, peak memory, stream size.

    .venv/bin/python bench/ingest.py            (also run by `make bench`)

Prints figures, asserts nothing. Reads every FIT file of $PACELINE_CORPUS/fit (default
../shared/corpus) and builds its own throwaway database: a temporary SQLite file (or
PostgreSQL's test_<name>_ingest when DATABASE_URL is set) with media in a temporary folder.
Nothing touches var/paceline.sqlite3. Targets from DESIGN §8 are printed beside the figures.
"""

from __future__ import annotations

import io
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
warnings.filterwarnings("ignore", message="No directory at")
warnings.filterwarnings("ignore", module="fitdecode")

CORPUS = Path(os.environ.get("PACELINE_CORPUS") or ROOT.parent / "shared" / "corpus")
BIG_FILE = "muktihari__big_activity.fit"
HISTORY = 2000
WORKERS = 2
TARGET_RATIO = 3.0
TARGET_PROJECTION_S = 180.0
TARGET_STREAM_BYTES_PER_HOUR = 40_000


@dataclass(slots=True)
class Flush:
    """The one announcement at the end of the batch: every activity's metrics and one
    DailyLoad recompute of the athlete (tasks run in-process: no REDIS_URL in this bench)."""

    seconds: float = 0.0
    activities: int = 0
    days: int = 0


@dataclass(slots=True)
class FileRun:
    name: str
    records: int
    bare_s: float
    pipeline_s: float = 0.0
    outcome: str = ""


def bare_parse(data: bytes) -> int:
    """Iterate every frame with fitdecode; returns the number of record messages."""
    import fitdecode

    records = 0
    with fitdecode.FitReader(io.BytesIO(data)) as fit:
        for frame in fit:
            if frame.frame_type == fitdecode.FIT_FRAME_DATA and frame.name == "record":
                records += 1
    return records


def readable_files() -> tuple[list[tuple[Path, bytes, int, float]], list[str]]:
    """FIT files fitdecode reads to the end, with their record count and bare parse time."""
    readable, unreadable = [], []
    for path in sorted((CORPUS / "fit").glob("*.fit")):
        data = path.read_bytes()
        started = time.perf_counter()
        try:
            records = bare_parse(data)
        except Exception:
            unreadable.append(path.name)
            continue
        readable.append((path, data, records, time.perf_counter() - started))
    return readable, unreadable


def database_setup(folder: Path) -> None:
    """django.setup(), then a fresh database built from the models and media in `folder`."""
    import logging

    import django

    django.setup()
    logging.getLogger("celery").setLevel(logging.WARNING)  # tasks run in-process: no log lines
    logging.getLogger("kombu").setLevel(logging.ERROR)
    from django.conf import settings
    from django.db import connection

    settings.MEDIA_ROOT = str(folder / "media")
    test = settings.DATABASES["default"].setdefault("TEST", {})
    test["MIGRATE"] = False
    if connection.vendor == "sqlite":
        test["NAME"] = str(folder / "bench.sqlite3")
    else:
        test["NAME"] = f"test_{settings.DATABASES['default']['NAME']}_ingest"
    connection.creation.create_test_db(verbosity=0, serialize=False)


def bench_athlete() -> Any:
    from athletes.models import Athlete, User

    user = User.objects.create(email="ingest@bench.test", first_name="Bench")
    return Athlete.objects.create(user=user, time_zone="UTC")


def pipeline(runs: list[FileRun], items: list[tuple[Path, bytes]], flush: Flush) -> Any:
    """files_import one file at a time into the fresh database, all in one `batched`
    block like a history import; fills in each run's time and the final flush's (metrics of
    every activity and the athlete's one DailyLoad recompute)."""
    from activities.services.files import files_import
    from analytics.models import ActivityMetrics, DailyLoad
    from core.outbox import batched

    athlete = bench_athlete()
    with batched():
        for run, (path, data) in zip(runs, items, strict=True):
            started = time.perf_counter()
            report = files_import(athlete=athlete, items=[(path.name, data)])
            run.pipeline_s = time.perf_counter() - started
            run.outcome = report.results[0].outcome.value if report.results else "?"
        started = time.perf_counter()
    flush.seconds = time.perf_counter() - started  # leaving the block announces: the tasks run
    flush.activities = ActivityMetrics.objects.filter(activity__athlete=athlete).count()
    flush.days = DailyLoad.objects.filter(athlete=athlete).count()
    return athlete


def stream_figures(athlete: Any) -> tuple[int, float, float, float, int]:
    """Stream bytes per activity-hour: (activities, MB, overall, worst, left out).

    Over activities of 15 min to 24 h of elapsed time: the corpus's 27-day file, mostly
    pauses, would make the overall figure meaninglessly small.
    """
    from activities.models import Streams

    rows = Streams.objects.filter(activity__athlete=athlete).select_related("activity")
    total_bytes, total_h, worst, count, left_out = 0, 0.0, 0.0, 0, 0
    for row in rows:
        hours = (row.activity.elapsed_s or 0.0) / 3600
        if not 0.25 <= hours <= 24:
            left_out += 1
            continue
        size = len(bytes(row.data))
        count, total_bytes, total_h = count + 1, total_bytes + size, total_h + hours
        worst = max(worst, size / hours)
    overall = total_bytes / total_h if total_h else 0.0
    return count, total_bytes / 1e6, overall, worst, left_out


def peak_rss_kb() -> int:
    """This process's peak resident set size (VmHWM: unlike ru_maxrss, not inherited from the
    parent across fork + exec)."""
    status = Path("/proc/self/status")
    if status.exists():
        for line in status.read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def peak_memory_child(path: Path) -> None:
    """In a fresh process: parse + ingest one file (its metrics and daily load included); print
    peak RSS before and after as JSON."""
    with tempfile.TemporaryDirectory() as folder:
        database_setup(Path(folder))
        athlete = bench_athlete()
        from activities.services.files import files_import

        before_kb = peak_rss_kb()
        data = path.read_bytes()
        started = time.perf_counter()
        report = files_import(athlete=athlete, items=[(path.name, data)])
        seconds = time.perf_counter() - started
        after_kb = peak_rss_kb()
        outcome = report.results[0].outcome.value
    print(
        json.dumps({"before_kb": before_kb, "after_kb": after_kb, "s": seconds, "outcome": outcome})
    )


def peak_memory(path: Path) -> dict[str, Any] | None:
    done = subprocess.run(  # noqa: S603 — our own script, with a corpus path
        [sys.executable, __file__, "--peak-memory", str(path)],
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        print(done.stderr.strip().splitlines()[-1] if done.stderr.strip() else "child failed")
        return None
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def rate(count: float, seconds: float) -> str:
    return f"{count / seconds:>12,.0f}" if seconds > 0 else f"{'—':>12}"


def print_throughput(runs: list[FileRun], flush: Flush) -> float:
    """Whole pipeline = every file's import + the final flush (metrics and daily load)."""
    records = sum(r.records for r in runs)
    bare_s = sum(r.bare_s for r in runs)
    pipe_s = sum(r.pipeline_s for r in runs) + flush.seconds
    print(f"{'':<28}{'seconds':>10}{'records/s':>12}{'files/s':>12}")
    for label, seconds in (("bare fitdecode parse", bare_s), ("whole pipeline", pipe_s)):
        print(f"{label:<28}{seconds:>10.2f}{rate(records, seconds)}{rate(len(runs), seconds)}")
    print(
        f"  of which the final flush    {flush.seconds:>6.2f}   "
        f"(metrics of {flush.activities} activities, one DailyLoad recompute: {flush.days} days)"
    )
    ratio = bare_s / pipe_s if pipe_s else 0.0
    verdict = "yes" if ratio >= TARGET_RATIO else "NO"
    print(
        f"pipeline speed ÷ bare fitdecode: {ratio:.2f}× (target ≥ {TARGET_RATIO:.0f}×: {verdict})"
    )
    return pipe_s / len(runs)


def print_streams(count: int, total_mb: float, overall: float, worst: float, left_out: int) -> None:
    verdict = "yes" if worst <= TARGET_STREAM_BYTES_PER_HOUR else "NO"
    print(
        f"streams: {count} activities of 15 min to 24 h ({left_out} others left out), "
        f"{total_mb:.2f} MB"
    )
    print(
        f"  {overall / 1000:.1f} KB per activity-hour overall, worst activity "
        f"{worst / 1000:.1f} KB/h (target ≤ {TARGET_STREAM_BYTES_PER_HOUR // 1000} KB/h: {verdict})"
    )


def print_slowest(runs: list[FileRun]) -> None:
    print("slowest files (pipeline s, bare s, records, outcome):")
    for run in sorted(runs, key=lambda r: r.pipeline_s, reverse=True)[:5]:
        figures = f"{run.pipeline_s:>7.3f} {run.bare_s:>7.3f} {run.records:>8}"
        print(f"  {run.name:<52} {figures} {run.outcome}")


def print_memory(big: Path) -> None:
    memory = peak_memory(big) if big.exists() else None
    if memory is None:
        return
    print(
        f"peak memory, {big.name} parsed + ingested + metrics in a fresh process: "
        f"{memory['after_kb'] / 1024:.0f} MB peak RSS "
        f"(+{(memory['after_kb'] - memory['before_kb']) / 1024:.0f} MB over the "
        f"{memory['before_kb'] / 1024:.0f} MB of the set-up process; {memory['s']:.2f} s, "
        f"{memory['outcome']})"
    )


def main() -> None:
    if not (CORPUS / "fit").is_dir():
        print(f"Ingest bench skipped: no corpus at {CORPUS} (set PACELINE_CORPUS)")
        return
    print(f"Ingest bench · Python {platform.python_version()} · {os.cpu_count()} CPUs · {CORPUS}")
    found, unreadable = readable_files()
    runs = [FileRun(path.name, records, bare_s) for path, _data, records, bare_s in found]
    records = sum(r.records for r in runs)
    print(f"{len(found)} FIT files fitdecode reads to the end ({records:,} records);")
    print(f"left out, unreadable by fitdecode: {', '.join(unreadable) or 'none'}")
    with tempfile.TemporaryDirectory() as folder:
        database_setup(Path(folder))
        from django.db import connection

        print(f"database: a fresh {connection.vendor} database; media in {folder}")
        flush = Flush()
        athlete = pipeline(runs, [(path, data) for path, data, _r, _s in found], flush)
        mean_s = print_throughput(runs, flush)
        print_slowest(runs)
        projection = mean_s * HISTORY / WORKERS
        verdict = "yes" if projection < TARGET_PROJECTION_S else "NO"
        print(
            f"projection, {HISTORY:,} activities on {WORKERS} workers: {projection:.0f} s "
            f"(mean {mean_s * 1000:.0f} ms/file; target < {TARGET_PROJECTION_S:.0f} s: {verdict})"
        )
        print_streams(*stream_figures(athlete))
    print_memory(CORPUS / "fit" / BIG_FILE)


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--peak-memory":
        peak_memory_child(Path(sys.argv[2]))
    else:
        main()
