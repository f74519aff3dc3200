"""The metrics pipeline: ingest → (on commit) ActivityMetrics → DailyLoad, idempotent,
effective-dated."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from typing import Any

import numpy as np
import pytest
import time_machine

from activities.models import Activity
from activities.services.ingest import activity_ingest
from activities.types import NormalizedActivity, Provider, SourceRef, Streams, Summary
from analytics.metrics.pmc import decay_constant
from analytics.models import ActivityMetrics, DailyLoad, PendingLoad
from analytics.pipeline import (
    ALGORITHM_VERSION,
    activity_metrics_compute,
    athlete_metrics_refresh,
    daily_load_recompute,
    stale_metrics,
)
from analytics.planned import planned_loads_store
from athletes.models import Athlete
from core.sports import Sport
from tests.factories import ThresholdsFactory

NOW = dt.datetime(2026, 3, 20, 12, 0, tzinfo=dt.UTC)
TODAY = dt.date(2026, 3, 20)
K_FITNESS = decay_constant(42.0)
K_FATIGUE = decay_constant(7.0)
TSS = 3599 * 200.0 * 0.8 / (250 * 3600) * 100  # 1 h at IF 0.8, over 3599 recorded s
TSS_AT_FTP = 3599 / 36  # 1 h at FTP


def ride(
    *, day: dt.date, power_w: float = 200.0, seconds: int = 3600, hour: int = 7
) -> NormalizedActivity:
    """A synthetic 1 Hz ride at constant power, HR and speed, started at `hour` UTC on `day`."""
    time_s = np.arange(seconds, dtype=np.float64)
    return NormalizedActivity(
        sport=Sport.RIDE,
        sub_sport="road",
        started_at=dt.datetime.combine(day, dt.time(hour), tzinfo=dt.UTC),
        streams=Streams(
            time_s=time_s,
            power_w=np.full(seconds, power_w),
            hr_bpm=np.full(seconds, 150.0),
            speed_mps=np.full(seconds, 8.0),
            distance_m=time_s * 8.0,
        ),
        summary=Summary(
            elapsed_s=float(seconds),
            moving_s=float(seconds),
            distance_m=(seconds - 1) * 8.0,
            avg_power_w=power_w,
            avg_hr_bpm=150.0,
        ),
    )


@pytest.fixture(autouse=True)
def _frozen_now() -> Iterator[None]:
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def rider(athlete: Athlete) -> Athlete:
    ThresholdsFactory(
        athlete=athlete,
        sport="ride",
        valid_from=dt.date(2026, 1, 1),
        ftp_w=250,
        hr_max_bpm=190,
        hr_rest_bpm=50,
        lthr_bpm=165,
        threshold_speed_mps=None,
    )
    return athlete


@pytest.fixture
def ingest_ride(django_capture_on_commit_callbacks: Callable[..., Any]) -> Callable[..., Activity]:
    """Ingest a ride and commit: the announcement runs the (eager) metrics and load tasks."""

    def ingest(athlete: Athlete, day: dt.date, power_w: float = 200.0, hour: int = 7) -> Activity:
        with django_capture_on_commit_callbacks(execute=True):
            activity, _outcome = activity_ingest(
                athlete=athlete,
                normalized=ride(day=day, power_w=power_w, hour=hour),
                source=SourceRef(Provider.DEVICE_FILE, f"ride-{day}-{power_w}"),
            )
        return activity

    return ingest


def chart(athlete: Athlete) -> list[tuple[Any, ...]]:
    return list(
        DailyLoad.objects.filter(athlete=athlete)
        .order_by("day")
        .values_list("day", "load", "load_by_source", "planned_load", "fitness", "fatigue", "form")
    )


def test_an_ingested_ride_gets_its_metrics_with_the_thresholds_in_force(
    rider: Athlete, ingest_ride: Callable[..., Activity]
) -> None:
    activity = ingest_ride(rider, dt.date(2026, 3, 14))

    metrics = ActivityMetrics.objects.get(activity=activity)
    assert metrics.np_w == pytest.approx(200.0)
    assert metrics.intensity_factor == pytest.approx(0.8)
    assert metrics.tss == pytest.approx(TSS)
    assert metrics.load == metrics.tss
    assert metrics.load_source == "tss"
    assert metrics.trimp is not None and metrics.hr_tss is not None
    assert metrics.dist_eq_km == pytest.approx(0.3 * 3599 * 8.0 / 1000)
    assert metrics.mean_max["power_w"]["1"] == pytest.approx(200.0)
    assert sum(metrics.time_in_zone_s["power"]) == pytest.approx(3599.0)  # last sample: 0 s
    assert metrics.time_in_zone_s["source"] == "streams"
    assert metrics.algorithm_version == ALGORITHM_VERSION


def test_an_athlete_whose_sex_is_not_given_gets_the_male_trimp_weights(
    rider: Athlete, ingest_ride: Callable[..., Activity]
) -> None:
    male = ActivityMetrics.objects.get(activity=ingest_ride(rider, dt.date(2026, 3, 14)))
    Athlete.objects.filter(id=rider.id).update(sex=Athlete.Sex.UNKNOWN)
    rider.refresh_from_db()

    unknown = ActivityMetrics.objects.get(activity=ingest_ride(rider, dt.date(2026, 3, 15)))

    assert unknown.trimp == pytest.approx(male.trimp)
    assert unknown.hr_tss == pytest.approx(male.hr_tss)


def test_ingesting_a_ride_writes_daily_load_from_its_day_to_today(
    rider: Athlete, ingest_ride: Callable[..., Activity]
) -> None:
    ingest_ride(rider, dt.date(2026, 3, 14))

    rows = chart(rider)
    assert [row[0] for row in rows] == [dt.date(2026, 3, 14) + dt.timedelta(n) for n in range(7)]
    first, second = rows[0], rows[1]
    assert first[1] == pytest.approx(TSS)
    assert first[2] == {"tss": pytest.approx(TSS)}
    assert first[4] == pytest.approx(TSS * K_FITNESS)
    assert first[5] == pytest.approx(TSS * K_FATIGUE)
    assert first[6] == 0.0  # Form is the morning's balance: nothing before the first day
    assert second[1] == 0.0  # a rest day
    assert second[6] == pytest.approx(TSS * (K_FITNESS - K_FATIGUE))


def test_two_rides_on_one_day_add_up(rider: Athlete, ingest_ride: Callable[..., Activity]) -> None:
    ingest_ride(rider, dt.date(2026, 3, 14), power_w=200.0)
    ingest_ride(rider, dt.date(2026, 3, 14), power_w=250.0, hour=17)

    assert chart(rider)[0][1:3] == (
        pytest.approx(TSS + TSS_AT_FTP),
        {"tss": pytest.approx(TSS + TSS_AT_FTP)},
    )


def test_constant_daily_load_converges_to_that_load(athlete: Athlete) -> None:
    first = TODAY - dt.timedelta(days=399)
    for n in range(400):
        Activity.objects.create(
            athlete=athlete,
            sport=Sport.STRENGTH,
            started_at=dt.datetime.combine(first + dt.timedelta(n), dt.time(8), tzinfo=dt.UTC),
            day=first + dt.timedelta(n),
            manual_load=80.0,
        )

    athlete_metrics_refresh(athlete=athlete, since=first)

    last = DailyLoad.objects.get(athlete=athlete, day=TODAY)
    assert DailyLoad.objects.filter(athlete=athlete).count() == 400
    assert last.load_by_source == {"manual": 80.0}
    assert last.fitness == pytest.approx(80.0, abs=0.1)
    assert last.fatigue == pytest.approx(80.0, abs=1e-6)
    assert last.form == pytest.approx(0.0, abs=0.1)


def test_recomputing_gives_identical_rows(
    rider: Athlete, ingest_ride: Callable[..., Activity]
) -> None:
    ingest_ride(rider, dt.date(2026, 3, 10))
    ingest_ride(rider, dt.date(2026, 3, 14), power_w=230.0)
    fields = [f.name for f in ActivityMetrics._meta.fields if f.name not in ("id", "computed_at")]
    metrics_before = list(ActivityMetrics.objects.order_by("activity").values_list(*fields))
    chart_before = chart(rider)

    athlete_metrics_refresh(athlete=rider, since=dt.date(2026, 3, 1))
    athlete_metrics_refresh(athlete=rider, since=dt.date(2026, 3, 12))

    assert list(ActivityMetrics.objects.order_by("activity").values_list(*fields)) == (
        metrics_before
    )
    assert chart(rider) == chart_before


def test_a_recompute_writes_only_the_days_that_differ_and_gives_the_rows_from_scratch(
    rider: Athlete, ingest_ride: Callable[..., Activity]
) -> None:
    ingest_ride(rider, dt.date(2026, 3, 10))
    ingest_ride(rider, dt.date(2026, 3, 14), power_w=230.0)
    from_scratch = chart(rider)
    ids = dict(DailyLoad.objects.filter(athlete=rider).values_list("day", "id"))
    tampered, lost = dt.date(2026, 3, 16), dt.date(2026, 3, 18)
    DailyLoad.objects.filter(athlete=rider, day=tampered).update(
        fitness=1.0, load_by_source={"x": 1}
    )
    DailyLoad.objects.filter(athlete=rider, day=lost).delete()

    assert daily_load_recompute(athlete=rider, since=dt.date(2026, 3, 12), today=TODAY) == 9

    assert chart(rider) == from_scratch
    after = dict(DailyLoad.objects.filter(athlete=rider).values_list("day", "id"))
    assert {day: after[day] for day in ids if day != lost} == {
        day: row for day, row in ids.items() if day != lost
    }  # the other days' rows were kept (the tampered one updated in place), one row created


def test_a_thresholds_change_recomputes_from_its_valid_from_day(
    rider: Athlete, ingest_ride: Callable[..., Activity]
) -> None:
    early = ingest_ride(rider, dt.date(2026, 3, 10))
    late = ingest_ride(rider, dt.date(2026, 3, 14))
    before = {row[0]: row for row in chart(rider)}
    ThresholdsFactory(
        athlete=rider, sport="ride", valid_from=dt.date(2026, 3, 12), ftp_w=200, lthr_bpm=None
    )

    athlete_metrics_refresh(athlete=rider, since=dt.date(2026, 3, 12))

    assert ActivityMetrics.objects.get(activity=early).tss == pytest.approx(TSS)
    assert ActivityMetrics.objects.get(activity=late).tss == pytest.approx(TSS_AT_FTP)
    after = {row[0]: row for row in chart(rider)}
    for day in (dt.date(2026, 3, 10), dt.date(2026, 3, 11), dt.date(2026, 3, 13)):
        assert after[day] == before[day]
    assert after[dt.date(2026, 3, 14)][1] == pytest.approx(TSS_AT_FTP)
    assert after[TODAY][4] > before[TODAY][4]


def test_the_planned_load_of_a_day_is_what_coaching_handed_over_for_it(
    rider: Athlete, ingest_ride: Callable[..., Activity]
) -> None:
    ingest_ride(rider, dt.date(2026, 3, 14))
    day = dt.date(2026, 3, 16)
    planned_loads_store(athlete_id=rider.id, loads={day: 55.0}, today=TODAY)

    daily_load_recompute(athlete=rider, since=dt.date(2026, 3, 14), today=TODAY)

    assert DailyLoad.objects.get(athlete=rider, day=day).planned_load == 55.0
    assert PendingLoad.objects.filter(athlete=rider, since=day).exists()  # its day is stale


def test_a_recompute_from_a_later_day_continues_the_stored_chart(
    rider: Athlete, ingest_ride: Callable[..., Activity]
) -> None:
    ingest_ride(rider, dt.date(2026, 3, 10))
    full = chart(rider)
    DailyLoad.objects.filter(athlete=rider, day__gte=dt.date(2026, 3, 15)).delete()

    daily_load_recompute(athlete=rider, since=dt.date(2026, 3, 18), today=TODAY)

    assert chart(rider) == full  # the gap since the last stored day is filled too


def test_an_activity_without_thresholds_or_streams_falls_back_to_rpe(athlete: Athlete) -> None:
    activity = Activity.objects.create(
        athlete=athlete,
        sport=Sport.RUN,
        started_at=NOW,
        day=TODAY,
        moving_s=3600.0,
        rpe=7,
    )

    metrics = activity_metrics_compute(activity=activity)

    assert metrics.load == pytest.approx(100.0)
    assert metrics.load_source == "rpe"
    assert metrics.srpe == pytest.approx(420.0)
    assert metrics.np_w is None and metrics.mean_max == {}


def test_metrics_from_an_older_algorithm_version_are_stale(
    rider: Athlete, ingest_ride: Callable[..., Activity]
) -> None:
    current = ingest_ride(rider, dt.date(2026, 3, 10))
    old = ingest_ride(rider, dt.date(2026, 3, 14))
    ActivityMetrics.objects.filter(activity=old).update(algorithm_version=ALGORITHM_VERSION - 1)
    missing = Activity.objects.create(athlete=rider, sport=Sport.RUN, started_at=NOW, day=TODAY)
    ActivityMetrics.objects.filter(activity=missing).delete()

    assert set(stale_metrics(athlete=rider)) == {old, missing}
    assert current not in stale_metrics()


def test_metrics_and_daily_load_go_through_the_one_door(
    rider: Athlete,
    other_athlete: Athlete,
    ingest_ride: Callable[..., Activity],
) -> None:
    ingest_ride(rider, dt.date(2026, 3, 14))

    assert ActivityMetrics.objects.visible_to(rider.user).count() == 1
    assert ActivityMetrics.objects.visible_to(other_athlete.user).count() == 0
    assert DailyLoad.objects.visible_to(rider.user).count() == 7
    assert DailyLoad.objects.visible_to(other_athlete.user).count() == 0
