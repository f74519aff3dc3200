"""import_files (idempotent batch import) and analyze_file (JSON, no database) commands."""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.conf import Settings, settings
from django.core.management import CommandError, call_command

from activities.models import Activity, ActivitySource
from athletes.models import Athlete

FITS = (
    "sportslib__runs_6782987395.fit",
    "fitparse__garmin-fenix-5-run.fit",
    "fitparse__garmin-edge-820-bike.fit",
)
ENTRY_KEYS = [
    "sport",
    "sub_sport",
    "started_at",
    "elapsed_s",
    "moving_s",
    "distance_m",
    "ascent_m",
    "descent_m",
    "avg_hr_bpm",
    "max_hr_bpm",
    "avg_power_w",
    "max_power_w",
    "np_w",
    "intensity_factor",
    "tss",
    "trimp",
    "hr_tss",
    "rtss",
    "avg_speed_mps",
    "avg_cadence_spm",
    "dist_eq_km",
    "decoupling_pct",
    "efficiency_factor",
    "laps",
    "samples",
    "time_in_zone_s",
    "mean_max",
    "best_efforts_s",
    "device",
]


@pytest.fixture(autouse=True)
def _media(settings: Settings, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


def import_files(*args: str) -> dict[str, object]:
    out = StringIO()
    call_command("import_files", *args, "--json", stdout=out)
    return json.loads(out.getvalue())


def analyze(*args: str, var_dir: Path) -> subprocess.CompletedProcess[str]:
    """Run analyze_file in a fresh process with its own, empty var folder."""
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env |= {"DJANGO_SETTINGS_MODULE": "config.settings.base", "PACELINE_VAR_DIR": str(var_dir)}
    return subprocess.run(
        [sys.executable, "manage.py", "analyze_file", *args],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_import_files_needs_a_known_athlete(db: None, tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="no athlete"):
        call_command("import_files", "--athlete", "nobody@example.test", str(tmp_path))


def test_import_files_reports_a_missing_path_as_failed(athlete: Athlete, tmp_path: Path) -> None:
    report = import_files("--athlete", athlete.user.email, str(tmp_path / "missing.fit"))

    assert report["counts"] == {"created": 0, "merged": 0, "skipped": 0, "failed": 1}


@pytest.mark.corpus
def test_import_files_twice_creates_nothing_the_second_time(
    athlete: Athlete, corpus: Path, tmp_path: Path
) -> None:
    folder = tmp_path / "history" / "2019"
    folder.mkdir(parents=True)
    for name in FITS[1:]:
        (folder / name).symlink_to(corpus / "fit" / name)
    (folder / "readme.txt").write_text("not an activity")
    paths = [str(tmp_path / "history"), str(corpus / "fit" / FITS[0])]
    paths.append(str(corpus / "tcx_gpx" / "sportslib__runs_6782987395.tcx"))

    first = import_files("--athlete", athlete.user.email.upper(), *paths)
    counts = (Activity.objects.count(), ActivitySource.objects.count())
    second = import_files("--athlete", athlete.user.email, *paths)

    assert first["counts"] == {"created": 3, "merged": 1, "skipped": 0, "failed": 0}
    assert second["counts"] == {"created": 0, "merged": 0, "skipped": 4, "failed": 0}
    assert (Activity.objects.count(), ActivitySource.objects.count()) == counts == (3, 4)


@pytest.mark.corpus
def test_import_files_prints_counts_and_failure_reasons(
    athlete: Athlete, corpus: Path, tmp_path: Path
) -> None:
    junk = tmp_path / "junk.fit"
    junk.write_bytes(random.Random(3).randbytes(2000))
    out = StringIO()

    call_command("import_files", "--athlete", athlete.user.email, str(junk), stdout=out)

    lines = out.getvalue().splitlines()
    assert lines[0] == "created=0 merged=0 skipped=0 failed=1"
    assert lines[1].startswith(f"failed {junk}: ")


@pytest.mark.corpus
def test_analyze_file_prints_the_design_json_without_a_database(
    corpus: Path, tmp_path: Path
) -> None:
    path = corpus / "fit" / FITS[0]

    result = analyze(str(path), "--json", "--sex", "F", "--ftp", "250", var_dir=tmp_path / "no")

    assert result.returncode == 0, result.stderr
    document = json.loads(result.stdout)
    assert document["file"] == str(path)
    [entry] = document["activities"]
    assert list(entry) == ENTRY_KEYS
    assert entry["sport"] == "run"
    assert entry["started_at"].startswith("2019-06-15T09:42")
    assert entry["samples"] > 1000
    assert entry["laps"] >= 1
    assert entry["distance_m"] == pytest.approx(14004.85, rel=0.02)
    assert entry["device"]["distance_m"] == pytest.approx(14004.85, abs=0.01)
    assert entry["time_in_zone_s"] == {"hr": None, "power": None, "pace": None}
    assert not (tmp_path / "no" / "paceline.sqlite3").exists()


def test_analyze_file_exits_2_with_one_line_for_an_unreadable_file(tmp_path: Path) -> None:
    junk = tmp_path / "junk.fit"
    junk.write_bytes(random.Random(5).randbytes(3000))

    result = analyze(str(junk), "--json", var_dir=tmp_path / "no")

    assert result.returncode == 2
    assert result.stdout == ""
    [line] = result.stderr.splitlines()
    assert line.startswith(f"cannot read {junk}: ")
    assert len(line) > len(f"cannot read {junk}: ")
