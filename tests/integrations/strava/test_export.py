"""Strava bulk export archives through the archive import, built at test time from corpus FIT,
GPX and TCX files (tests/activities/archives/builders.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from activities.models import Activity, ActivitySource, ImportJob
from activities.services.archive_plan import archive_kind
from activities.services.archives import archive_import
from activities.types import Provider
from athletes.models import Athlete
from tests.activities.archives import builders

pytestmark = pytest.mark.corpus


@pytest.fixture
def export(corpus: Path, tmp_path: Path) -> builders.StravaExport:
    return builders.strava_export(corpus, tmp_path)


def strava_activity(strava_id: str) -> Activity:
    return ActivitySource.objects.get(provider=Provider.STRAVA, external_id=strava_id).activity


def test_every_row_with_a_file_becomes_an_activity_with_its_strava_id(
    athlete: Athlete, export: builders.StravaExport
) -> None:
    report = archive_import(athlete=athlete, path=export.path)

    assert report.counts() == {"created": 4, "merged": 0, "skipped": 1, "failed": 0}
    assert Activity.objects.filter(athlete=athlete).count() == 4
    for row in export.rows[:4]:
        activity = strava_activity(row["id"])
        assert activity.sources.exclude(provider=Provider.STRAVA).get().file is not None


def test_names_and_descriptions_come_from_the_csv_when_the_file_has_none(
    athlete: Athlete, export: builders.StravaExport
) -> None:
    archive_import(athlete=athlete, path=export.path)

    hill = strava_activity("4101")  # .fit.gz
    assert (hill.name, hill.description) == ("Hill repeats", "6 × 2 min up the hill")
    club = strava_activity("4104")  # plain .fit
    assert (club.name, club.description) == ("Club ride", "Coffee stop at km 40")
    assert club.primary_provider == Provider.DEVICE_FILE  # the file's values stay


def test_a_strava_source_over_a_gpx_file_keeps_the_recorded_samples(
    athlete: Athlete, export: builders.StravaExport
) -> None:
    archive_import(athlete=athlete, path=export.path)

    forest = strava_activity("4102")
    assert forest.streams.sample_count > 1000
    assert forest.sport == "run"  # the GPX said nothing; Strava said Run


def test_rows_without_a_file_are_skipped_with_a_reason(
    athlete: Athlete, export: builders.StravaExport
) -> None:
    report = archive_import(athlete=athlete, path=export.path)

    manual = [r for r in report.results if "4105" in r.name]
    assert [(r.outcome.value, r.reason) for r in manual] == [
        ("skipped", "no file in the export (entered by hand)")
    ]


def test_importing_the_strava_export_twice_adds_nothing(
    athlete: Athlete, export: builders.StravaExport
) -> None:
    archive_import(athlete=athlete, path=export.path)

    again = archive_import(athlete=athlete, path=export.path)

    assert again.counts() == {"created": 0, "merged": 0, "skipped": 5, "failed": 0}
    assert ActivitySource.objects.filter(provider=Provider.STRAVA).count() == 4


def test_a_file_already_imported_from_garmin_gets_the_strava_row_merged(
    athlete: Athlete, export: builders.StravaExport, corpus: Path, tmp_path: Path
) -> None:
    plain = builders.files_zip(corpus, tmp_path, names=("sportslib__runs_6909950168.fit",))
    archive_import(athlete=athlete, path=plain)

    report = archive_import(athlete=athlete, path=export.path)

    hill = [r for r in report.results if r.name == "activities/4101.fit.gz"]
    assert [r.outcome.value for r in hill] == ["merged"]
    assert strava_activity("4101").name == "Hill repeats"


def test_strava_export_is_recognised_by_activities_csv_at_the_root() -> None:
    names = ["activities.csv", "activities/1.fit.gz"]

    assert archive_kind(names, is_zip=True, head=b"PK") == ImportJob.Kind.STRAVA_EXPORT
    assert archive_kind(["x/DI_CONNECT/a.json"], is_zip=True, head=b"PK") == (
        ImportJob.Kind.GARMIN_EXPORT
    )
    assert archive_kind([], is_zip=False, head=b"date,sport\n") == ImportJob.Kind.CSV
    assert archive_kind([], is_zip=False, head=b"<?xml><gpx>") == ImportJob.Kind.FILES
    assert archive_kind(["a.fit"], is_zip=True, head=b"PK") == ImportJob.Kind.FILES
