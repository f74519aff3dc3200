"""The import_files command: an idempotent batch import that reports per file."""

from __future__ import annotations

import json
import random
from io import StringIO
from pathlib import Path

import pytest
from django.conf import Settings
from django.core.management import CommandError, call_command

from activities.models import Activity, ActivitySource
from athletes.models import Athlete

FITS = (
    "sportslib__runs_6782987395.fit",
    "fitparse__garmin-fenix-5-run.fit",
    "fitparse__garmin-edge-820-bike.fit",
)


@pytest.fixture(autouse=True)
def _media(settings: Settings, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


def import_files(*args: str) -> dict[str, object]:
    out = StringIO()
    call_command("import_files", *args, "--json", stdout=out)
    return json.loads(out.getvalue())


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
