"""Linking Garmin export summaries to recorded activities, on a long history.

    .venv/bin/python bench/garmin_link.py [--activities N] [--summaries M]

Prints figures, asserts nothing. A synthetic athlete with N (default 3,000) activities, one a
day, each with the source of its original file; then M (default 1,000) summaries of a Garmin
export, each starting 30 s after one of them: the time and SQL statements of
`recorded_activity_near` per summary, and of the whole `garmin_summary_import` (look-up,
then the merge as a Garmin source). Builds its own throwaway database like bench/ingest.py.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from ingest import bench_athlete, database_setup  # bench/ is not a package

T0 = dt.datetime(2017, 1, 1, 7, 0, tzinfo=dt.UTC)
OFFSET = dt.timedelta(seconds=30)


def history(athlete: object, count: int) -> list[dt.datetime]:
    """`count` file-backed activities, one a day from T0: their starts."""
    from activities.models import Activity, ActivityFile, ActivitySource

    starts = [T0 + dt.timedelta(days=n, minutes=n % 90) for n in range(count)]
    activities = Activity.objects.bulk_create(
        Activity(athlete=athlete, sport="run", started_at=start, day=start.date(), elapsed_s=3600)
        for start in starts
    )
    files = ActivityFile.objects.bulk_create(
        ActivityFile(
            athlete=athlete,
            sha256=(sha := hashlib.sha256(str(n).encode()).hexdigest()),
            file=f"activity-files/{sha[:32]}.fit",
            original_name=f"{n}.fit",
            size_bytes=1000,
            format="fit",
        )
        for n in range(count)
    )
    ActivitySource.objects.bulk_create(
        ActivitySource(
            athlete=athlete,
            activity=activity,
            provider="device_file",
            external_id=file.sha256,
            file=file,
            summary={},
            raw={},
        )
        for activity, file in zip(activities, files, strict=True)
    )
    return starts


def summary_entry(index: int, start: dt.datetime) -> object:
    from activities.services.archive_plan import Entry
    from integrations.garmin.export import SUMMARY

    summary = {
        "activityId": 9_000_000 + index,
        "name": f"Run {index}",
        "activityType": "running",
        "startTimeGmt": int((start + OFFSET).timestamp() * 1000),
        "duration": 3_600_000.0,
        "distance": 1_000_000.0,
    }
    return Entry(f"summary #{index}", SUMMARY, None, {"summary": summary, "units": [0.001, 0.01]})


def timed(calls: list, function: object) -> tuple[float, float, int]:
    """(median ms, total s, statements per call) of `function(call)` over the calls."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    times = []
    with CaptureQueriesContext(connection) as captured:
        for call in calls:
            started = time.perf_counter()
            function(call)  # type: ignore[operator]
            times.append(time.perf_counter() - started)
    return statistics.median(times) * 1000, sum(times), len(captured) // max(len(calls), 1)


def main(count: int, summaries: int) -> None:
    with tempfile.TemporaryDirectory() as folder:
        database_setup(Path(folder), "link")
        from django.db import connection

        from activities.services.archive_link import recorded_activity_near
        from core.outbox import batched
        from integrations.garmin.export import garmin_summary_import

        athlete = bench_athlete("link")
        starts = history(athlete, count)
        print(f"Garmin summary linking · {connection.vendor} · {count:,} recorded activities")
        picked = starts[:: max(len(starts) // summaries, 1)][:summaries]
        near_ms, near_s, near_q = timed(
            [start + OFFSET for start in picked],
            lambda at: recorded_activity_near(athlete=athlete, started_at=at),
        )
        print(
            f"recorded_activity_near × {len(picked):,}: median {near_ms:.2f} ms, "
            f"total {near_s:.2f} s, {near_q} statement(s) each"
        )
        entries = [summary_entry(n, start) for n, start in enumerate(picked)]
        with batched():  # as an archive import: metrics and daily load once, at the end
            import_ms, import_s, import_q = timed(
                entries, lambda entry: garmin_summary_import(athlete=athlete, entry=entry)
            )
        print(
            f"garmin_summary_import × {len(entries):,} (look-up + merge): median "
            f"{import_ms:.2f} ms, total {import_s:.2f} s, {import_q} statements each"
        )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--activities", type=int, default=3000)
    parser.add_argument("--summaries", type=int, default=1000)
    options = parser.parse_args()
    main(options.activities, options.summaries)
