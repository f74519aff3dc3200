"""Paceline benchmarks: print measured figures (DESIGN §8). Run with `make bench`.

Builds a throwaway test database (in-memory SQLite, or PostgreSQL's test_<name> when
DATABASE_URL is set), fills it, and measures. Nothing here touches var/paceline.sqlite3.
"""

from __future__ import annotations

import os
import platform
import statistics
import subprocess
import sys
import time
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
# WhiteNoise warns that static files were never collected; the bench does not serve them.
warnings.filterwarnings("ignore", message="No directory at")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from athletes.models import Athlete, CoachAthlete, Group, User  # noqa: E402

ROSTER_SIZES = (10, 100, 500)
BACKGROUND_ATHLETES = 1000  # other coaches' athletes, so the one door has something to exclude
SELECTOR_REPEATS = 50
PAGE_REPEATS = 5


def median_ms(work: Callable[[], Any], repeats: int) -> float:
    """Median wall time of `work` in milliseconds, after one warm-up call."""
    work()
    samples = []
    for _ in range(repeats):
        started = time.perf_counter()
        work()
        samples.append((time.perf_counter() - started) * 1000)
    return statistics.median(samples)


def roster_create(*, prefix: str, size: int) -> User:
    """A coach with `size` athletes, half of them in a group."""
    coach = User.objects.create(email=f"{prefix}@bench.test", is_coach=True, first_name="Coach")
    users = User.objects.bulk_create(
        User(email=f"{prefix}.a{i}@bench.test", first_name=f"A{i}", last_name=prefix)
        for i in range(size)
    )
    athletes = Athlete.objects.bulk_create(Athlete(user=user) for user in users)
    CoachAthlete.objects.bulk_create(CoachAthlete(coach=coach, athlete=a) for a in athletes)
    group = Group.objects.create(coach=coach, name="Squad")
    group.athletes.set(athletes[: size // 2])
    return coach


def one_door_row(size: int) -> tuple[int, float, float, float, int]:
    coach = roster_create(prefix=f"coach{size}", size=size)
    visible_ms = median_ms(
        lambda: list(Athlete.objects.visible_to(coach).select_related("user")), SELECTOR_REPEATS
    )
    editable_ms = median_ms(lambda: list(Athlete.objects.editable_by(coach)), SELECTOR_REPEATS)
    client = Client()
    client.force_login(coach)
    page_ms = median_ms(lambda: client.get("/roster/"), PAGE_REPEATS)
    with CaptureQueriesContext(connection) as queries:
        status = client.get("/roster/").status_code
    if status != 200:
        raise SystemExit(f"/roster/ answered {status}")
    return size, visible_ms, editable_ms, page_ms, len(queries)


def main() -> None:
    settings.DATABASES["default"].setdefault("TEST", {})["MIGRATE"] = False
    connection.creation.create_test_db(verbosity=0, serialize=False)
    roster_create(prefix="background", size=BACKGROUND_ATHLETES)
    vendor = connection.vendor
    print(f"Paceline bench · {vendor} · Python {platform.python_version()} · {os.cpu_count()} CPUs")
    print()
    print(f"One door and roster page ({BACKGROUND_ATHLETES} other athletes in the database;")
    print(f"medians of {SELECTOR_REPEATS} selector runs and {PAGE_REPEATS} page loads)")
    print(f"{'athletes':>8}  {'visible_to ms':>13}  {'editable_by ms':>14}  ", end="")
    print(f"{'/roster/ ms':>11}  {'/roster/ queries':>16}")
    rows = [one_door_row(size) for size in ROSTER_SIZES]
    for size, visible_ms, editable_ms, page_ms, queries in rows:
        print(
            f"{size:>8}  {visible_ms:>13.2f}  {editable_ms:>14.2f}  {page_ms:>11.1f}  {queries:>16}"
        )
    counts = {row[-1] for row in rows}
    verdict = "yes" if len(counts) == 1 else f"NO ({sorted(counts)})"
    print()
    print(f"Fixed number of queries whatever the roster size (DESIGN §8): {verdict}")
    print()
    for script in SEPARATE_BENCHES:
        separate_bench(script)


# Benches that run in their own process (they set up their own database or none at all).
SEPARATE_BENCHES = ("fit_decoders.py", "streams.py", "ingest.py", "metrics.py", "routes.py")


def separate_bench(script: str) -> None:
    """One bench script in its own process, after a blank line."""
    print()
    sys.stdout.flush()
    subprocess.run([sys.executable, str(ROOT / "bench" / script)], check=False)  # noqa: S603


if __name__ == "__main__":
    main()
