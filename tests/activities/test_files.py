"""Original files are stored once; batches of files import, merge twins and report failures."""

from __future__ import annotations

import gzip
import random
from pathlib import Path
from typing import Any

import pytest
from django.conf import Settings
from django.test import override_settings

from activities.models import Activity, ActivityFile, ActivitySource
from activities.models import Streams as StreamsRow
from activities.services.files import activity_file_store, file_format, files_import
from activities.types import Outcome
from athletes.models import Athlete

GOOD_FITS = (
    "sportslib__runs_6782987395.fit",
    "fitparse__garmin-fenix-5-run.fit",
    "fitparse__garmin-edge-820-bike.fit",
    "sportslib__rides_828989227.fit",
    "fitparse__sample-activity.fit",
)
TWIN = "sportslib__runs_6782987395"


@pytest.fixture(autouse=True)
def _media(settings: Settings, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


def _item(path: Path) -> tuple[str, bytes]:
    return path.name, path.read_bytes()


def _noise(size: int = 4096) -> bytes:
    return random.Random(7).randbytes(size)


def test_the_same_content_is_stored_once_per_athlete(
    athlete: Athlete, other_athlete: Athlete
) -> None:
    first, created = activity_file_store(athlete=athlete, data=b"<gpx>1</gpx>", filename="a.gpx")
    again, created_again = activity_file_store(athlete=athlete, data=b"<gpx>1</gpx>", filename="b")
    theirs, theirs_created = activity_file_store(
        athlete=other_athlete, data=b"<gpx>1</gpx>", filename="a.gpx"
    )

    assert (created, created_again, theirs_created) == (True, False, True)
    assert again.id == first.id
    assert theirs.id != first.id
    assert first.file.name.startswith("activity-files/")
    assert first.file.read() == b"<gpx>1</gpx>"
    assert (first.original_name, first.format, first.size_bytes) == ("a.gpx", "gpx", 12)


def test_the_format_is_read_from_the_content_also_inside_gzip() -> None:
    tcx = b'<?xml version="1.0"?><TrainingCenterDatabase xmlns="x"></TrainingCenterDatabase>'

    assert file_format(tcx, "upload.bin") == "tcx"
    assert file_format(gzip.compress(tcx), "upload.gz") == "tcx"
    assert file_format(b"\x0e\x10\x00\x00\x00\x00\x00\x00.FIT\x00\x00", "x") == "fit"
    assert file_format(_noise(), "ride.fit") == "fit"
    assert file_format(_noise(), "notes.txt") == ""


def test_bytes_that_are_not_an_activity_fail_with_a_reason_and_are_not_kept(
    athlete: Athlete,
) -> None:
    report = files_import(athlete=athlete, items=[("photo.fit", _noise())])

    [result] = report.results
    assert result.outcome is Outcome.FAILED
    assert result.reason
    assert not ActivityFile.objects.exists()


@override_settings(PACELINE_MAX_UPLOAD_BYTES=1024)
def test_a_file_over_the_size_limit_fails_without_being_parsed(athlete: Athlete) -> None:
    report = files_import(athlete=athlete, items=[("big.fit", _noise(2048))])

    assert report.results[0].outcome is Outcome.FAILED
    assert "too large" in report.results[0].reason


@pytest.mark.corpus
def test_a_batch_of_fit_files_imports_and_broken_files_fail_without_stopping_it(
    athlete: Athlete, corpus: Path
) -> None:
    fit = corpus / "fit"
    truncated = (fit / "fitparse__garmin-fenix-5-bike.fit").read_bytes()[:1500]
    items = [_item(fit / name) for name in GOOD_FITS]
    items.insert(0, _item(fit / "sportslib__others_empty-sessions.fit"))  # a 0-byte file
    items.insert(3, ("noise.fit", _noise()))
    items.insert(5, ("truncated.fit", truncated))
    items.append(_item(fit / "tormoder__misc_mornindew-broken.fit"))  # valid despite its name

    report = files_import(athlete=athlete, items=items)

    by_name = {r.name: r for r in report.results}
    assert len(report.results) == len(items)
    assert [by_name[name].outcome for name in GOOD_FITS] == [Outcome.CREATED] * 5
    assert by_name["tormoder__misc_mornindew-broken.fit"].outcome is Outcome.CREATED
    for name in ("sportslib__others_empty-sessions.fit", "noise.fit"):
        assert by_name[name].outcome is Outcome.FAILED
        assert by_name[name].reason
    salvaged = by_name["truncated.fit"]  # rejected with a reason, or salvaged and flagged
    assert (salvaged.outcome is Outcome.FAILED and salvaged.reason) or (
        salvaged.outcome is Outcome.CREATED and salvaged.warnings
    ), salvaged
    assert StreamsRow.objects.filter(activity__athlete=athlete).count() >= 6


@pytest.mark.corpus
def test_importing_the_same_files_again_creates_nothing(athlete: Athlete, corpus: Path) -> None:
    items = [_item(corpus / "fit" / name) for name in GOOD_FITS[:3]]
    files_import(athlete=athlete, items=items)
    counts = (
        Activity.objects.count(),
        ActivitySource.objects.count(),
        ActivityFile.objects.count(),
    )

    report = files_import(athlete=athlete, items=items)

    assert report.counts()["skipped"] == 3
    assert {r.reason for r in report.results} == {"already imported"}
    assert (
        Activity.objects.count(),
        ActivitySource.objects.count(),
        ActivityFile.objects.count(),
    ) == counts


# One new single-session FIT file: the sha256 look-up before parsing, then in one transaction
# the athlete's lock, the file look-up and insert, the source and duplicate look-ups, and the
# inserts of the activity, its laps (one statement), its streams, the outbox row and the source.
FILE_IMPORT_QUERIES = 13


@pytest.mark.corpus
def test_a_new_fit_file_imports_in_a_fixed_number_of_queries_and_once_known_in_one(
    athlete: Athlete, corpus: Path, django_assert_max_num_queries: Any
) -> None:
    files_import(athlete=athlete, items=[_item(corpus / "fit" / GOOD_FITS[1])])
    item = _item(corpus / "fit" / "fitparse__garmin-edge-820-bike.fit")

    with django_assert_max_num_queries(FILE_IMPORT_QUERIES):
        report = files_import(athlete=athlete, items=[item])
    with django_assert_max_num_queries(1):
        again = files_import(athlete=athlete, items=[item])

    assert report.results[0].outcome is Outcome.CREATED
    activity = Activity.objects.get(id=report.results[0].activity_ids[0])
    assert activity.laps.exists()
    assert StreamsRow.objects.filter(activity=activity).exists()
    assert again.results[0].outcome is Outcome.SKIPPED


@pytest.mark.corpus
def test_gpx_then_tcx_then_fit_of_one_run_is_one_activity_with_the_fit_values(
    athlete: Athlete, corpus: Path
) -> None:
    folder = corpus / "tcx_gpx"
    items = [
        _item(folder / f"{TWIN}.gpx"),
        _item(folder / f"{TWIN}.tcx"),
        _item(corpus / "fit" / f"{TWIN}.fit"),
    ]

    report = files_import(athlete=athlete, items=items)

    assert [r.outcome for r in report.results] == [Outcome.CREATED, Outcome.MERGED, Outcome.MERGED]
    activity = Activity.objects.get(athlete=athlete)
    assert activity.primary_provider == "device_file"
    assert sorted(activity.sources.values_list("provider", flat=True)) == [
        "device_file",
        "gpx",
        "tcx",
    ]
    assert activity.distance_m == pytest.approx(14004.85, abs=1)  # the device's session value
    assert activity.streams.provider == "device_file"


@pytest.mark.corpus
def test_a_gzipped_file_imports_and_its_plain_twin_merges(athlete: Athlete, corpus: Path) -> None:
    data = (corpus / "tcx_gpx" / f"{TWIN}.tcx").read_bytes()

    report = files_import(
        athlete=athlete, items=[("run.tcx.gz", gzip.compress(data)), ("run.tcx", data)]
    )

    assert [r.outcome for r in report.results] == [Outcome.CREATED, Outcome.MERGED]
    assert Activity.objects.count() == 1
    assert ActivityFile.objects.get(original_name="run.tcx.gz").format == "tcx"


@pytest.mark.parametrize(
    ("stem", "twins"),
    [
        ("sportslib__runs_6782987395", ("gpx", "tcx")),
        ("sportslib__rides_3939576645", ("gpx",)),
        ("sportslib__swim_6688025408", ("tcx",)),
    ],
)
def test_every_corpus_twin_of_a_fit_file_ingests_as_the_same_activity(
    athlete: Athlete, corpus: Path, stem: str, twins: tuple[str, ...]
) -> None:
    fit = _item(corpus / "fit" / f"{stem}.fit")
    others = [_item(corpus / "tcx_gpx" / f"{stem}.{suffix}") for suffix in twins]

    report = files_import(athlete=athlete, items=[fit, *others])

    assert [r.outcome for r in report.results] == [Outcome.CREATED] + [Outcome.MERGED] * len(twins)
    activity = Activity.objects.get(athlete=athlete)
    assert activity.primary_provider == "device_file"
    assert activity.sources.count() == 1 + len(twins)
