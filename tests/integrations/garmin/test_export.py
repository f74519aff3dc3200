"""Garmin "Export Your Data" archives through the archive import, built at test time from corpus
FITs (tests/activities/archives/builders.py)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from activities.models import Activity, ActivitySource
from activities.services.archives import archive_import
from activities.types import Provider
from athletes.models import Athlete, WellnessDay
from tests.activities.archives import builders

pytestmark = pytest.mark.corpus


@pytest.fixture
def export(corpus: Path, tmp_path: Path) -> builders.GarminExport:
    return builders.garmin_export(corpus, tmp_path)


def garmin_source(activity: Activity) -> ActivitySource:
    return activity.sources.get(provider=Provider.GARMIN)


def test_each_fit_is_linked_to_its_summary_by_start_time(
    athlete: Athlete, export: builders.GarminExport
) -> None:
    report = archive_import(athlete=athlete, path=export.path)

    assert report.counts() == {"created": 8, "merged": 11, "skipped": 2, "failed": 0}
    for file_name in (*builders.GARMIN_FITS_MS_CM, *builders.GARMIN_FITS_SI):
        garmin_id = export.linked[file_name]
        source = ActivitySource.objects.get(provider=Provider.GARMIN, external_id=str(garmin_id))
        activity = source.activity
        assert activity.name == export.names[garmin_id]
        assert activity.primary_provider == Provider.DEVICE_FILE  # the FIT's values stay
        assert activity.sources.filter(provider=Provider.DEVICE_FILE).count() == 1
        assert source.raw["activityId"] == garmin_id


def test_fit_values_stay_authoritative_when_the_summary_is_merged(
    athlete: Athlete, export: builders.GarminExport, corpus: Path
) -> None:
    archive_import(athlete=athlete, path=export.path)

    row = builders.session_values(corpus)[("sportslib__rides_5319808632.fit", 0)]
    garmin_id = export.linked["sportslib__rides_5319808632.fit"]
    activity = Activity.objects.get(sources__external_id=str(garmin_id))
    assert activity.distance_m == pytest.approx(float(row["total_distance"]), rel=1e-3)
    assert activity.elapsed_s == pytest.approx(float(row["total_elapsed_time"]), rel=1e-3)
    assert hasattr(activity, "streams")


def test_summary_without_a_fit_becomes_a_garmin_activity_in_si_units(
    athlete: Athlete, export: builders.GarminExport
) -> None:
    archive_import(athlete=athlete, path=export.path)

    activity = Activity.objects.get(sources__external_id=str(export.unlinked_id))
    assert activity.primary_provider == Provider.GARMIN
    assert activity.sport == "run"
    assert activity.started_at == dt.datetime(2022, 1, 1, 7, 0, tzinfo=dt.UTC)
    assert activity.elapsed_s == pytest.approx(3000)  # 3,000,000 ms
    assert activity.distance_m == pytest.approx(10000)  # 1,000,000 cm
    assert activity.avg_speed_mps == pytest.approx(3.333, rel=1e-3)  # 0.3333 × 10
    assert activity.name == "Treadmill 10k (no file)"


def test_multisport_parent_is_skipped_and_each_leg_gets_its_summary(
    athlete: Athlete, export: builders.GarminExport
) -> None:
    report = archive_import(athlete=athlete, path=export.path)

    parent = [r for r in report.results if r.name.endswith(f"#{export.parent_id}")]
    assert [r.outcome.value for r in parent] == ["skipped"]
    assert not ActivitySource.objects.filter(external_id=str(export.parent_id)).exists()
    legs = Activity.objects.filter(sources__file__original_name="750.fit").order_by("started_at")
    assert legs.count() == 5
    for index, leg in enumerate(legs):
        garmin_id = export.linked[f"{builders.TRIATHLON}#{index}"]
        assert garmin_source(leg).external_id == str(garmin_id)
        assert leg.name == f"Triathlon leg {index + 1}"


def test_non_activity_fit_is_skipped_not_failed(
    athlete: Athlete, export: builders.GarminExport
) -> None:
    report = archive_import(athlete=athlete, path=export.path)

    monitoring = [r for r in report.results if r.name.endswith("/799.fit")]
    assert len(monitoring) == 1
    assert monitoring[0].outcome.value == "skipped"
    assert "not an activity" in monitoring[0].reason


def test_sleep_hrv_and_resting_hr_become_wellness_days(
    athlete: Athlete, export: builders.GarminExport
) -> None:
    archive_import(athlete=athlete, path=export.path)

    days = {row.day.isoformat(): row for row in WellnessDay.objects.filter(athlete=athlete)}
    assert set(days) == set(export.sleep)
    for day, (seconds, score) in export.sleep.items():
        hrv, rest = export.health[day]
        assert (days[day].sleep_s, days[day].sleep_score) == (seconds, score)
        assert (days[day].hrv_ms, days[day].resting_hr_bpm) == (hrv, rest)
        assert set(days[day].raw) == {"sleep", "health_status"}


def test_importing_the_export_twice_adds_nothing(
    athlete: Athlete, export: builders.GarminExport
) -> None:
    archive_import(athlete=athlete, path=export.path)
    counts = (Activity.objects.count(), ActivitySource.objects.count(), WellnessDay.objects.count())

    again = archive_import(athlete=athlete, path=export.path)

    assert again.counts()["created"] == again.counts()["merged"] == 0
    assert again.counts()["failed"] == 0
    assert counts == (
        Activity.objects.count(),
        ActivitySource.objects.count(),
        WellnessDay.objects.count(),
    )


def test_older_export_layout_is_imported_the_same_way(
    athlete: Athlete, corpus: Path, tmp_path: Path
) -> None:
    export = builders.garmin_export(corpus, tmp_path, older_layout=True)

    report = archive_import(athlete=athlete, path=export.path)

    assert report.counts() == {"created": 8, "merged": 11, "skipped": 2, "failed": 0}
    assert ActivitySource.objects.filter(provider=Provider.GARMIN).count() == 11
