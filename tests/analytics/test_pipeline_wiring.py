"""Metrics are computed on their own: every change of activities or thresholds is announced
once it commits (once per batch for imports), analytics queues its tasks (run in-process here:
no broker) and the athlete's daily load is recomputed once per announcement."""

from __future__ import annotations

import datetime as dt
import io
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import time_machine
from celery.signals import task_prerun
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import transaction

from activities.models import Activity
from activities.services.changes import activity_changed, activity_removed
from activities.services.files import files_import
from activities.services.ingest import activity_ingest
from activities.services.manual import csv_import, manual_activity_log
from activities.services.uploads import uploads_receive
from activities.types import Outcome, Provider, SourceRef
from analytics.models import ActivityMetrics, DailyLoad, PendingLoad
from analytics.pipeline import ALGORITHM_VERSION
from analytics.thresholds_history import ThresholdsHistory
from athletes.models import Athlete, ZoneSet
from athletes.selectors.thresholds import thresholds_on, zones_on
from athletes.services.thresholds import (
    thresholds_delete,
    thresholds_set,
    zone_set_delete,
    zone_set_save,
)
from core.outbox import batched
from core.sports import Sport
from tests.analytics.test_pipeline import NOW, TODAY, TSS, TSS_AT_FTP, ride
from tests.factories import ThresholdsFactory

RIDE_FIT = "sportslib__rides_828989227.fit"
RUN_FITS = ("fitparse__garmin-fenix-5-run.fit", "sportslib__runs_6782987395.fit")
Commit = Callable[..., Any]
GPX = Provider.GPX


@pytest.fixture(autouse=True)
def _frozen_now() -> Iterator[None]:
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def task_runs() -> Iterator[Counter[str]]:
    """How many times each Celery task ran (Celery's own signal)."""
    runs: Counter[str] = Counter()

    def record(sender: Any = None, task: Any = None, **kwargs: Any) -> None:
        runs[task.name] += 1

    task_prerun.connect(record, weak=False)
    yield runs
    task_prerun.disconnect(record)


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


def ingest(
    athlete: Athlete,
    day: dt.date,
    *,
    start: dt.time = dt.time(7),
    provider: Provider = Provider.DEVICE_FILE,
) -> tuple[Activity, Outcome]:
    """A 1 h ride at 200 W (see `ride`) starting at `start` UTC on `day`."""
    normalized = ride(day=day)
    normalized.started_at = dt.datetime.combine(day, start, tzinfo=dt.UTC)
    return activity_ingest(
        athlete=athlete,
        normalized=normalized,
        source=SourceRef(provider, f"{provider}-{normalized.started_at.isoformat()}"),
    )


def loads(athlete: Athlete) -> dict[dt.date, float]:
    return dict(DailyLoad.objects.filter(athlete=athlete).values_list("day", "load"))


def tss(activity: Activity) -> float | None:
    return ActivityMetrics.objects.get(activity=activity).tss


def test_a_batch_of_files_is_announced_once_and_recomputes_the_chart_once(
    rider: Athlete,
    corpus: Path,
    announced: list[dict[str, Any]],
    task_runs: Counter[str],
    django_capture_on_commit_callbacks: Commit,
) -> None:
    athlete = rider
    ThresholdsFactory(athlete=athlete, sport="run", valid_from=dt.date(2000, 1, 1))
    items = [(name, (corpus / "fit" / name).read_bytes()) for name in (RIDE_FIT, *RUN_FITS)]

    with django_capture_on_commit_callbacks(execute=True):
        report = files_import(athlete=athlete, items=items)

    activities = Activity.objects.filter(athlete=athlete)
    assert [r.outcome for r in report.results] == [Outcome.CREATED] * 3
    first_day = min(a.day for a in activities)
    assert announced == [
        {
            "athlete_id": athlete.id,
            "activity_ids": sorted(a.id for a in activities),
            "since": first_day,
        }
    ]
    # The files carry their devices' heart-rate zones: stored as the athlete's (none were
    # entered), announced once (ThresholdsChanged: the refresh finds the metrics already
    # computed with them, the plan's estimates are redone).
    assert ZoneSet.objects.filter(athlete=athlete, source=ZoneSet.Source.DEVICE).exists()
    assert task_runs == {
        "analytics.activities_changed": 1,
        "analytics.athlete_refresh": 1,
        "analytics.athlete_load": 1,
        "coaching.activities_relink": 1,
        "coaching.plan_reestimate": 1,
    }
    metrics = ActivityMetrics.objects.filter(
        activity__in=activities, algorithm_version=ALGORITHM_VERSION, load__gt=0
    )
    assert metrics.count() == 3
    chart = loads(athlete)
    assert min(chart) == first_day and max(chart) == TODAY
    assert len(chart) == (TODAY - first_day).days + 1
    assert sum(chart.values()) == pytest.approx(sum(m.load or 0.0 for m in metrics))
    assert not PendingLoad.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_an_uploaded_file_gets_its_metrics_and_chart_with_nothing_else_to_run(
    athlete: Athlete, corpus: Path
) -> None:
    ThresholdsFactory(athlete=athlete, sport="run", valid_from=dt.date(2000, 1, 1))
    upload = SimpleUploadedFile(RIDE_FIT, (corpus / "fit" / RIDE_FIT).read_bytes())

    [row] = uploads_receive(athlete=athlete, by=athlete.user, uploaded=[upload])

    activity = Activity.objects.get(id=row.result.activity_ids[0])
    metrics = ActivityMetrics.objects.get(activity=activity)
    assert metrics.mean_max["hr_bpm"]["5"] > 0
    assert metrics.load is not None and metrics.load > 0
    assert loads(athlete)[activity.day] == pytest.approx(metrics.load)
    assert max(loads(athlete)) == TODAY


def test_each_ingest_outside_a_batch_is_announced_on_its_own_and_only_once_committed(
    rider: Athlete, announced: list[dict[str, Any]], django_capture_on_commit_callbacks: Commit
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        first, _ = ingest(rider, dt.date(2026, 3, 10))
        second, _ = ingest(rider, dt.date(2026, 3, 14))
        assert announced == []  # not before the commit

    assert [(a["activity_ids"], a["since"]) for a in announced] == [
        ([first.id], dt.date(2026, 3, 10)),
        ([second.id], dt.date(2026, 3, 14)),
    ]
    assert loads(rider)[dt.date(2026, 3, 14)] == pytest.approx(TSS)


class BoomError(Exception):
    pass


def test_rolled_back_work_is_never_announced(
    rider: Athlete, announced: list[dict[str, Any]], django_capture_on_commit_callbacks: Commit
) -> None:
    with django_capture_on_commit_callbacks(execute=True), batched():
        kept, _ = ingest(rider, dt.date(2026, 3, 14))
        with pytest.raises(BoomError), transaction.atomic():
            ingest(rider, dt.date(2026, 3, 10))
            raise BoomError

    assert announced == [
        {"athlete_id": rider.id, "activity_ids": [kept.id], "since": dt.date(2026, 3, 14)}
    ]
    assert min(loads(rider)) == dt.date(2026, 3, 14)


@pytest.mark.django_db(transaction=True)
def test_nested_batches_announce_once_when_the_outer_one_ends(
    rider: Athlete, announced: list[dict[str, Any]], other_athlete: Athlete
) -> None:
    with batched():
        with batched():
            late, _ = ingest(rider, dt.date(2026, 3, 14))
        early, _ = ingest(rider, dt.date(2026, 3, 10))
        theirs, _ = ingest(other_athlete, dt.date(2026, 3, 12))
        assert announced == []
        assert not ActivityMetrics.objects.exists()

    assert [(a["athlete_id"], a["activity_ids"], a["since"]) for a in announced] == [
        (rider.id, [late.id, early.id], dt.date(2026, 3, 10)),
        (other_athlete.id, [theirs.id], dt.date(2026, 3, 12)),
    ]
    assert ActivityMetrics.objects.count() == 3


def test_a_merge_that_moves_an_activity_to_another_day_recomputes_both_days(
    rider: Athlete, announced: list[dict[str, Any]], django_capture_on_commit_callbacks: Commit
) -> None:
    # Paris is UTC+1 in March: 22:59:50 UTC is still the 13th, 23:00:30 UTC the 14th.
    with django_capture_on_commit_callbacks(execute=True):
        gpx, _ = ingest(rider, dt.date(2026, 3, 13), start=dt.time(22, 59, 50), provider=GPX)
    assert loads(rider)[dt.date(2026, 3, 13)] == pytest.approx(TSS)

    with django_capture_on_commit_callbacks(execute=True):
        fit, outcome = ingest(rider, dt.date(2026, 3, 13), start=dt.time(23, 0, 30))

    assert (outcome, fit.id, fit.day) == (Outcome.MERGED, gpx.id, dt.date(2026, 3, 14))
    assert announced[-1]["since"] == dt.date(2026, 3, 13)
    assert loads(rider)[dt.date(2026, 3, 13)] == 0.0
    assert loads(rider)[dt.date(2026, 3, 14)] == pytest.approx(TSS)


def test_a_removed_activity_leaves_the_chart_from_its_day(
    rider: Athlete, django_capture_on_commit_callbacks: Commit
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        activity, _ = ingest(rider, dt.date(2026, 3, 14))
    day = activity.day

    with django_capture_on_commit_callbacks(execute=True):
        activity.delete()
        activity_removed(athlete_id=rider.id, day=day)

    assert set(loads(rider).values()) == {0.0}
    assert not DailyLoad.objects.filter(athlete=rider, fitness__gt=0).exists()


def test_a_change_announces_its_former_day_when_it_moved(
    rider: Athlete, announced: list[dict[str, Any]], django_capture_on_commit_callbacks: Commit
) -> None:
    activity = Activity(id=7, athlete=rider, day=dt.date(2026, 3, 14))

    with django_capture_on_commit_callbacks(execute=True):
        activity_changed(activity, previous_day=dt.date(2026, 3, 11))
        activity_changed(activity, previous_day=dt.date(2026, 3, 16))
        activity_changed(activity)

    assert [a["since"] for a in announced] == [
        dt.date(2026, 3, 11),
        dt.date(2026, 3, 14),
        dt.date(2026, 3, 14),
    ]


def test_a_thresholds_change_recomputes_the_activities_from_its_valid_from_day(
    rider: Athlete, django_capture_on_commit_callbacks: Commit
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        early, _ = ingest(rider, dt.date(2026, 3, 10))
        late, _ = ingest(rider, dt.date(2026, 3, 14))
    before = loads(rider)

    with django_capture_on_commit_callbacks(execute=True):
        row = thresholds_set(
            athlete=rider, sport="ride", valid_from=dt.date(2026, 3, 12), by=None, ftp_w=200
        )

    assert (tss(early), tss(late)) == (pytest.approx(TSS), pytest.approx(TSS_AT_FTP))
    after = loads(rider)
    assert {d: after[d] for d in after if d < dt.date(2026, 3, 12)} == {
        d: before[d] for d in before if d < dt.date(2026, 3, 12)
    }
    assert after[dt.date(2026, 3, 14)] == pytest.approx(TSS_AT_FTP)

    with django_capture_on_commit_callbacks(execute=True):
        thresholds_delete(row=row)

    assert tss(late) == pytest.approx(TSS)
    assert loads(rider) == pytest.approx(before)


def test_a_custom_zone_set_recomputes_time_in_zone_from_its_valid_from_day(
    rider: Athlete, django_capture_on_commit_callbacks: Commit
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        early, _ = ingest(rider, dt.date(2026, 3, 10))
        late, _ = ingest(rider, dt.date(2026, 3, 14))

    def power_zones(activity: Activity) -> list[float]:
        zones: list[float] = ActivityMetrics.objects.get(activity=activity).time_in_zone_s["power"]
        return zones

    with django_capture_on_commit_callbacks(execute=True):
        zone_set = zone_set_save(
            athlete=rider,
            sport="ride",
            kind=ZoneSet.Kind.POWER,
            valid_from=dt.date(2026, 3, 12),
            bounds=[150.0, 250.0],
            names=["easy", "steady", "hard"],
            by=None,
        )

    assert len(power_zones(early)) == 7  # Coggan's, derived from FTP
    assert power_zones(late) == [0.0, pytest.approx(3599.0), 0.0]  # 200 W: "steady"

    with django_capture_on_commit_callbacks(execute=True):
        zone_set_delete(zone_set=zone_set)

    assert len(power_zones(late)) == 7


def test_a_manually_logged_session_gets_its_metrics_and_its_day_in_the_chart(
    athlete: Athlete, django_capture_on_commit_callbacks: Commit
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        by_rpe = manual_activity_log(
            athlete=athlete, by=athlete.user, day=dt.date(2026, 3, 16), sport="run",
            duration_s=3600, rpe=7,
        )  # fmt: skip
        typed = manual_activity_log(
            athlete=athlete, by=athlete.user, day=dt.date(2026, 3, 18), sport="strength",
            duration_s=1800, load=40.0,
        )  # fmt: skip

    by_rpe_metrics = ActivityMetrics.objects.get(activity=by_rpe)
    assert (by_rpe_metrics.load_source, by_rpe_metrics.srpe) == ("rpe", 420.0)
    assert ActivityMetrics.objects.get(activity=typed).load_source == "manual"
    chart = loads(athlete)
    assert chart[dt.date(2026, 3, 16)] == pytest.approx(by_rpe_metrics.load)
    assert chart[dt.date(2026, 3, 18)] == 40.0


def test_a_csv_log_is_announced_once(
    athlete: Athlete,
    announced: list[dict[str, Any]],
    task_runs: Counter[str],
    django_capture_on_commit_callbacks: Commit,
) -> None:
    rows = "".join(f"2026-03-{day:02d},run,10,50,,\n" for day in (2, 4, 6, 9))
    data = f"activity_date,activity_type,distance_km,duration_min,training_load,notes\n{rows}"

    with django_capture_on_commit_callbacks(execute=True):
        csv_import(athlete=athlete, data=data.encode())

    assert len(announced) == 1 and len(announced[0]["activity_ids"]) == 4
    assert announced[0]["since"] == dt.date(2026, 3, 2)
    assert task_runs["analytics.athlete_load"] == 1
    assert ActivityMetrics.objects.filter(activity__athlete=athlete).count() == 4


def test_seeding_the_demo_announces_once_per_athlete_and_computes_every_activity(
    db: None,
    announced: list[dict[str, Any]],
    task_runs: Counter[str],
    django_capture_on_commit_callbacks: Commit,
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        call_command("seed_demo", "--athletes", "1", "--weeks", "1", stdout=io.StringIO())

    athletes = {a["athlete_id"] for a in announced}
    assert len(announced) == len(athletes) == 2
    assert not Activity.objects.filter(metrics__isnull=True).exists()
    assert Activity.objects.count() > 0
    for athlete_id in athletes:
        assert max(loads(Athlete.objects.get(id=athlete_id))) == TODAY
    assert task_runs["analytics.activities_changed"] == 2


def test_the_thresholds_history_answers_like_the_selectors_on_every_day(
    rider: Athlete,
) -> None:
    ThresholdsFactory(athlete=rider, sport="run", valid_from=dt.date(2025, 6, 1), lthr_bpm=None)
    ThresholdsFactory(athlete=rider, sport="ride", valid_from=dt.date(2026, 2, 1), ftp_w=280)
    ThresholdsFactory(athlete=rider, sport="other", valid_from=dt.date(2026, 2, 15), ftp_w=150)
    ZoneSet.objects.create(
        athlete=rider, sport="run", kind="hr", valid_from=dt.date(2026, 1, 20),
        bounds=[140.0, 160.0], names=["a", "b", "c"],
    )  # fmt: skip
    history = ThresholdsHistory.of(rider)

    for day in (dt.date(2025, 1, 1), dt.date(2025, 7, 1), dt.date(2026, 1, 25), TODAY):
        for sport in Sport:
            assert history.values_on(sport, day) == thresholds_on(
                athlete=rider, sport=sport, day=day
            )
            for kind in ("hr", "power", "pace"):
                zones = zones_on(athlete=rider, sport=sport, kind=kind, day=day)
                assert history.bounds_on(sport, kind, day) == tuple(z.low for z in zones[1:])
