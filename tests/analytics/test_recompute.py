"""recompute_metrics: rebuilds metrics and daily load, for one athlete or all."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from io import StringIO

import pytest
import time_machine
from django.core.management import CommandError, call_command

from activities.models import Activity
from analytics.models import ActivityMetrics, DailyLoad
from analytics.pipeline import ALGORITHM_VERSION
from athletes.models import Athlete
from core.sports import Sport

NOW = dt.datetime(2026, 3, 20, 12, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def _frozen_now() -> Iterator[None]:
    with time_machine.travel(NOW, tick=False):
        yield


def logged(athlete: Athlete, day: dt.date, load: float) -> Activity:
    return Activity.objects.create(
        athlete=athlete,
        sport=Sport.STRENGTH,
        started_at=dt.datetime.combine(day, dt.time(9), tzinfo=dt.UTC),
        day=day,
        manual_load=load,
    )


def recompute(*args: str) -> str:
    out = StringIO()
    call_command("recompute_metrics", *args, stdout=out)
    return out.getvalue()


def test_recompute_metrics_rebuilds_every_athletes_metrics_and_chart(
    athlete: Athlete, other_athlete: Athlete
) -> None:
    logged(athlete, dt.date(2026, 3, 16), 50.0)
    logged(athlete, dt.date(2026, 3, 18), 70.0)
    logged(other_athlete, dt.date(2026, 3, 20), 30.0)

    output = recompute()

    assert output.split() == ["athletes:", "2", "activities:", "3", "days:", "6"]
    assert ActivityMetrics.objects.filter(algorithm_version=ALGORITHM_VERSION).count() == 3
    loads = DailyLoad.objects.filter(athlete=athlete).values_list("day", "load")
    assert dict(loads)[dt.date(2026, 3, 18)] == 70.0


def test_recompute_metrics_for_one_athlete_since_a_day_leaves_the_rest_alone(
    athlete: Athlete, other_athlete: Athlete
) -> None:
    early = logged(athlete, dt.date(2026, 3, 16), 50.0)
    late = logged(athlete, dt.date(2026, 3, 18), 70.0)
    logged(other_athlete, dt.date(2026, 3, 20), 30.0)

    output = recompute("--athlete", "ATHLETE@example.test", "--since", "2026-03-18")

    assert "activities: 1" in output
    assert list(ActivityMetrics.objects.values_list("activity", flat=True)) == [late.id]
    assert not ActivityMetrics.objects.filter(activity=early).exists()
    assert not DailyLoad.objects.filter(athlete=other_athlete).exists()
    # No chart before: it starts on the first activity, whose stored load is not computed yet.
    assert DailyLoad.objects.filter(athlete=athlete).count() == 5


def test_recompute_metrics_refuses_an_unknown_athlete(db: None) -> None:
    with pytest.raises(CommandError, match=r"nobody@example\.test"):
        recompute("--athlete", "nobody@example.test")
