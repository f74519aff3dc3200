"""Ingest throughput against a bare fitdecode parse, projection, peak memory, stream size.

    .venv/bin/python bench/ingest.py [--export N]     (also run by `make bench`)

Prints figures, asserts nothing. Reads every FIT file of $PACELINE_CORPUS/fit (default
../shared/corpus) and builds its own throwaway database: a temporary SQLite file, in WAL mode
as the app runs it (or PostgreSQL's test_<name>_ingest when DATABASE_URL is set), with media
in a temporary folder. Nothing touches var/paceline.sqlite3. Targets from DESIGN §8 are
printed beside the figures.

The ratio is measured interleaved: each file's bare parse and its import run back to back
(in alternating order), so the load other processes put on the two cores hits both sides
alike. Then the same figures for an export of N files (default 1,000) built from the corpus
(`bench/fit_shift.py`: each copy moved in time, a new recording). On PostgreSQL every
measurement runs twice in a row (a fresh athlete each time), both printed.
"""

from __future__ import annotations

import argparse
import io
import itertools
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
import warnings
from collections import Counter
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
HISTORY = 3000
WORKERS = 2
TARGET_RATIO = 10.0
TARGET_PROJECTION_S = 120.0
EXPORT_FILES = 1000
WEEK_S = 7 * 86400  # a multiple of fit_shift's 32 s step
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
    bare_s: float = 0.0
    pipeline_s: float = 0.0
    outcome: str = ""


@dataclass(frozen=True, slots=True)
class Item:
    """One file to import: its name, bytes and fitdecode record count."""

    name: str
    data: bytes
    records: int


def bare_parse(data: bytes) -> int:
    """Iterate every frame with fitdecode; returns the number of record messages."""
    import fitdecode

    records = 0
    with fitdecode.FitReader(io.BytesIO(data)) as fit:
        for frame in fit:
            if frame.frame_type == fitdecode.FIT_FRAME_DATA and frame.name == "record":
                records += 1
    return records


def readable_files() -> tuple[list[Item], list[str]]:
    """FIT files fitdecode reads to the end, with their record count."""
    readable, unreadable = [], []
    for path in sorted((CORPUS / "fit").glob("*.fit")):
        data = path.read_bytes()
        try:
            records = bare_parse(data)
        except Exception:
            unreadable.append(path.name)
            continue
        readable.append(Item(path.name, data, records))
    return readable, unreadable


def export_files(corpus: list[Item], count: int) -> list[Item]:
    """`count` files cycled from the corpus, each a new recording: the k-th pass over the
    corpus moves every time of its copies k + 1 weeks back (other bytes, other sha256, other
    start; the same samples, laps and summary)."""
    sys.path.insert(0, str(ROOT / "bench"))
    from fit_shift import fit_layout, shifted_fit

    layouts = {item.name: fit_layout(item.data) for item in corpus}
    files = []
    for index, item in zip(range(count), itertools.cycle(corpus), strict=False):
        weeks = index // len(corpus) + 1
        data = shifted_fit(item.data, -weeks * WEEK_S, layouts[item.name])
        files.append(Item(f"export-{index:04d}-{item.name}", data, item.records))
    return files


def database_setup(folder: Path, name: str = "ingest") -> None:
    """django.setup(), then a fresh database built from the models and media in `folder`
    (on PostgreSQL test_<name of the configured database>_<name>)."""
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
        from config.settings.base import SQLITE_OPTIONS

        test["NAME"] = str(folder / "bench.sqlite3")
        # The file as the app runs it (WAL, synchronous=NORMAL), not the test settings' default.
        settings.DATABASES["default"]["OPTIONS"] = dict(SQLITE_OPTIONS)
    else:
        test["NAME"] = f"test_{settings.DATABASES['default']['NAME']}_{name}"
    connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)


def bench_athlete(label: str = "ingest") -> Any:
    from athletes.models import Athlete, User

    user = User.objects.create(email=f"{label}@bench.test", first_name="Bench")
    return Athlete.objects.create(user=user, time_zone="UTC")


def interleaved(label: str, items: list[Item]) -> tuple[list[FileRun], Flush, Any]:
    """For each file, its bare fitdecode parse and its `files_import` back to back — parse
    first for even files, import first for odd ones — into a fresh athlete, all in one
    `batched` block like a history import; then the final flush (metrics of every activity
    and the athlete's one DailyLoad recompute), counted in the pipeline's time."""
    from activities.services.files import files_import
    from analytics.models import ActivityMetrics, DailyLoad
    from core.outbox import batched

    athlete = bench_athlete(label)
    runs = [FileRun(item.name, item.records) for item in items]
    flush = Flush()
    clock = time.perf_counter
    with batched():
        for index, (run, item) in enumerate(zip(runs, items, strict=True)):
            if index % 2:
                run.pipeline_s, run.outcome = _import_timed(files_import, athlete, item)
            started = clock()
            bare_parse(item.data)
            run.bare_s = clock() - started
            if not index % 2:
                run.pipeline_s, run.outcome = _import_timed(files_import, athlete, item)
        started = clock()
    flush.seconds = clock() - started  # leaving the block announces: the tasks run
    flush.activities = ActivityMetrics.objects.filter(activity__athlete=athlete).count()
    flush.days = DailyLoad.objects.filter(athlete=athlete).count()
    return runs, flush, athlete


def _import_timed(files_import: Any, athlete: Any, item: Item) -> tuple[float, str]:
    started = time.perf_counter()
    report = files_import(athlete=athlete, items=[(item.name, item.data)])
    seconds = time.perf_counter() - started
    return seconds, report.results[0].outcome.value if report.results else "?"


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
        database_setup(Path(folder), "ingest_memory")  # the parent may hold its own
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
    outcomes = Counter(r.outcome for r in runs)
    print("  outcomes: " + ", ".join(f"{n} {name}" for name, n in sorted(outcomes.items())))
    ratio = bare_s / pipe_s if pipe_s else 0.0
    verdict = "yes" if ratio >= TARGET_RATIO else "NO"
    print(
        f"pipeline speed ÷ bare fitdecode, interleaved: {ratio:.2f}× "
        f"(target ≥ {TARGET_RATIO:.0f}×: {verdict})"
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


def measure(label: str, items: list[Item], repeat: int) -> None:
    """The interleaved measurement of `items`, `repeat` times in a row (each into a fresh
    athlete of the same database), every run's figures printed."""
    for attempt in range(1, repeat + 1):
        print(f"— {label}, run {attempt} of {repeat}" if repeat > 1 else f"— {label}")
        runs, flush, athlete = interleaved(f"{label.split()[0]}-{attempt}", items)
        mean_s = print_throughput(runs, flush)
        print_slowest(runs)
        projection = mean_s * HISTORY / WORKERS
        verdict = "yes" if projection < TARGET_PROJECTION_S else "NO"
        print(
            f"projection, {HISTORY:,} activities on {WORKERS} workers: {projection:.0f} s "
            f"(mean {mean_s * 1000:.0f} ms/file; target < {TARGET_PROJECTION_S:.0f} s: {verdict})"
        )
        print_streams(*stream_figures(athlete))


def main(export: int) -> None:
    if not (CORPUS / "fit").is_dir():
        print(f"Ingest bench skipped: no corpus at {CORPUS} (set PACELINE_CORPUS)")
        return
    print(f"Ingest bench · Python {platform.python_version()} · {os.cpu_count()} CPUs · {CORPUS}")
    found, unreadable = readable_files()
    records = sum(item.records for item in found)
    print(f"{len(found)} FIT files fitdecode reads to the end ({records:,} records);")
    print(f"left out, unreadable by fitdecode: {', '.join(unreadable) or 'none'}")
    with tempfile.TemporaryDirectory() as folder:
        database_setup(Path(folder))
        from django.db import connection

        repeat = 1 if connection.vendor == "sqlite" else 2
        print(f"database: a fresh {connection.vendor} database; media in {folder}")
        measure("corpus", found, repeat)
        if export > 0:
            started = time.perf_counter()
            files = export_files(found, export)
            print(
                f"export: {len(files):,} files built from the corpus's {len(found)} in "
                f"{time.perf_counter() - started:.1f} s "
                f"({sum(item.records for item in files):,} records)"
            )
            measure(f"export of {len(files):,} files", files, repeat)
    print_memory(CORPUS / "fit" / BIG_FILE)


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument(
        "--export",
        type=int,
        default=EXPORT_FILES,
        metavar="N",
        help=f"also measure an export of N files from the corpus (default {EXPORT_FILES}; 0: none)",
    )
    parser.add_argument("--peak-memory", type=Path, help=argparse.SUPPRESS)
    return parser.parse_args()


if __name__ == "__main__":
    options = arguments()
    if options.peak_memory is not None:
        peak_memory_child(options.peak_memory)
    else:
        main(options.export)
