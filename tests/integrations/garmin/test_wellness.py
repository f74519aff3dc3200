"""Garmin wellness: the recorded bodies, read by the real library from a fake Garmin, land in
WellnessDay field by field (and the pure mappings on their own)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from athletes.models import Athlete, WellnessDay
from integrations.garmin import client
from integrations.garmin.auth import signed_in_store
from integrations.garmin.mapping import api_training_readiness, api_user_summary
from integrations.garmin.sync import wellness_sync
from integrations.models import Connection, RawPayload, SyncRun
from tests.integrations.garmin.fake import (
    EMAIL,
    PASSWORD,
    FakeGarmin,
    installed,
    recorded_wellness,
)


@pytest.fixture
def garmin(corpus: Path, monkeypatch: pytest.MonkeyPatch, settings: Any) -> Iterator[FakeGarmin]:
    settings.PACELINE_GARMIN_SPACING_S = 0
    fake = FakeGarmin(corpus, wellness=recorded_wellness(corpus))
    with installed(fake, monkeypatch):
        yield fake


@pytest.fixture
def connection(garmin: FakeGarmin, athlete: Athlete) -> Connection:
    return signed_in_store(athlete=athlete, signed=client.sign_in(EMAIL, PASSWORD))


def _body(garmin: FakeGarmin, kind: str, day: str) -> Any:
    return garmin.wellness[(kind, day)]


def _day(athlete: Athlete, day: str) -> WellnessDay:
    return WellnessDay.objects.get(athlete=athlete, day=dt.date.fromisoformat(day))


def test_wellness_rows_equal_the_recorded_values_field_by_field(
    garmin: FakeGarmin, connection: Connection, athlete: Athlete
) -> None:
    days = sorted({dt.date.fromisoformat(day) for _kind, day in garmin.wellness})
    run = wellness_sync(connection.id, days=days)
    assert run.state == SyncRun.State.DONE, run.error
    assert run.counts["fetched"] == len(days)

    for day in ("2023-07-01", "2025-06-14"):
        summary = _body(garmin, "user_summary", day)
        row = _day(athlete, day)
        assert row.resting_hr_bpm == summary["restingHeartRate"]
        assert row.steps == summary["totalSteps"]
        assert row.stress == summary["averageStressLevel"]
        assert row.body_battery == summary["bodyBatteryHighestValue"]
        assert row.body_battery_low == summary["bodyBatteryLowestValue"]
        assert row.raw["user_summary"]["calendarDate"] == day

    sleep = _body(garmin, "sleep", "2021-07-20")["dailySleepDTO"]
    row = _day(athlete, "2021-07-20")
    assert row.sleep_s == sleep["sleepTimeSeconds"]
    assert row.sleep_deep_s == sleep["deepSleepSeconds"]
    assert row.sleep_light_s == sleep["lightSleepSeconds"]
    assert row.sleep_rem_s == sleep["remSleepSeconds"]
    assert row.sleep_awake_s == sleep["awakeSleepSeconds"]
    scores = sleep.get("sleepScores") or {}
    assert row.sleep_score == (scores.get("overall") or {}).get("value")

    hrv = _body(garmin, "hrv", "2023-07-20")["hrvSummary"]
    row = _day(athlete, "2023-07-20")
    assert row.hrv_ms == hrv["lastNightAvg"]
    assert row.hrv_weekly_ms == hrv["weeklyAvg"]
    assert row.hrv_baseline_low_ms == hrv["baseline"]["balancedLow"]
    assert row.hrv_baseline_high_ms == hrv["baseline"]["balancedUpper"]

    readiness = _body(garmin, "readiness", "2025-07-07")
    latest = max(readiness, key=lambda entry: entry["timestamp"])
    assert _day(athlete, "2025-07-07").readiness == latest["score"]

    weight = _body(garmin, "weigh_ins", "2025-06-15")
    assert _day(athlete, "2025-06-15").weight_kg == weight["dateWeightList"][0]["weight"] / 1000

    kinds = set(RawPayload.objects.filter(connection=connection).values_list("kind", flat=True))
    assert {"wellness_user_summary", "wellness_sleep", "wellness_hrv"} <= kinds


def test_wellness_again_changes_nothing(
    garmin: FakeGarmin, connection: Connection, athlete: Athlete
) -> None:
    days = [dt.date(2023, 7, 1), dt.date(2023, 7, 20)]
    wellness_sync(connection.id, days=days)
    before = list(WellnessDay.objects.filter(athlete=athlete).values())
    again = wellness_sync(connection.id, days=days)
    assert again.counts["created"] == 0 and again.counts.get("merged", 0) == 0
    assert list(WellnessDay.objects.filter(athlete=athlete).values()) == before


def test_days_without_data_create_no_rows(
    garmin: FakeGarmin, connection: Connection, athlete: Athlete
) -> None:
    run = wellness_sync(connection.id, today=dt.date(2019, 1, 2))  # yesterday and today
    assert run.state == SyncRun.State.DONE, run.error
    assert run.counts["fetched"] == 2
    assert not WellnessDay.objects.filter(athlete=athlete).exists()


def test_no_data_markers_are_not_values() -> None:
    body = {"calendarDate": "2024-01-02", "averageStressLevel": -1, "restingHeartRate": None}
    values = api_user_summary(body)[dt.date(2024, 1, 2)]
    assert "stress" not in values and "resting_hr_bpm" not in values
    entries = [
        {"calendarDate": "2024-01-02", "timestamp": "2024-01-02T12:00:00", "score": 61},
        {"calendarDate": "2024-01-02", "timestamp": "2024-01-02T06:00:00", "score": 40},
    ]
    assert api_training_readiness(entries)[dt.date(2024, 1, 2)]["readiness"] == 61
