"""A thresholds refresh recomputes only the activities whose inputs changed, and what it leaves
stored equals a full recompute: a first import with estimated thresholds computes each
activity's metrics twice (without thresholds, then with the estimates), not once per sport."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import time_machine

from activities.models import Activity
from activities.services.files import files_import
from analytics import recording
from analytics.models import ActivityMetrics, DailyLoad
from analytics.pipeline import athlete_metrics_refresh, sport_metrics_refresh
from athletes.models import Athlete, Thresholds
from athletes.services.thresholds import thresholds_set
from core.outbox import batched
from tests.analytics.test_pipeline import NOW

FILES = (  # rides, runs and a swim, 2011 to 2022: every sport gets an estimated row
    "fitparse__garmin-edge-500-activity.fit",
    "fitparse__garmin-fenix-5-bike.fit",
    "fitparse__garmin-fenix-5-run.fit",
    "sportslib__runs_6782987395.fit",
    "sportslib__swim_6021532030.fit",
)
UNSTORED = ("id", "computed_at")

pytestmark = [pytest.mark.corpus, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _frozen_now() -> Iterator[None]:
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def computed(monkeypatch: pytest.MonkeyPatch) -> Counter[tuple[str, int]]:
    """How many times each recording's metrics were computed (keyed by sport and number of
    samples): the real computation, counted on its way through."""
    counts: Counter[tuple[str, int]] = Counter()
    compute = recording.activity_metrics

    def counted(**kwargs: Any) -> Any:
        counts[kwargs["sport"], len(kwargs["time_s"])] += 1
        return compute(**kwargs)

    monkeypatch.setattr(recording, "activity_metrics", counted)
    return counts


def stored(athlete: Athlete) -> dict[int, dict[str, Any]]:
    rows = ActivityMetrics.objects.filter(activity__athlete=athlete).values()
    return {row["activity_id"]: {k: v for k, v in row.items() if k not in UNSTORED} for row in rows}


def chart(athlete: Athlete) -> list[tuple[Any, ...]]:
    rows = DailyLoad.objects.filter(athlete=athlete).order_by("day")
    return list(rows.values_list("day", "load_by_source", "load", "fitness", "fatigue", "form"))


def import_history(athlete: Athlete, corpus: Path) -> None:
    with batched():
        for name in FILES:
            files_import(athlete=athlete, items=[(name, (corpus / "fit" / name).read_bytes())])


def test_a_first_import_computes_each_activity_once_more_with_its_estimated_thresholds(
    athlete: Athlete, corpus: Path, computed: Counter[tuple[str, int]]
) -> None:
    import_history(athlete, corpus)

    estimated = Thresholds.objects.filter(athlete=athlete, source=Thresholds.Source.ESTIMATED)
    assert {row.sport for row in estimated} == {"ride", "run", "swim"}
    assert len(computed) == Activity.objects.filter(athlete=athlete).count() == len(FILES)
    assert set(computed.values()) == {2}  # before the estimates, then with them: not per sport
    imported, imported_chart = stored(athlete), chart(athlete)
    assert sum(bool(row["load"]) for row in imported.values()) >= 3  # loads from the estimates

    athlete_metrics_refresh(athlete=athlete, since=None)  # everything, from scratch

    assert stored(athlete) == imported
    assert chart(athlete) == imported_chart


def test_a_thresholds_change_recomputes_the_activities_it_changes_as_a_full_recompute_would(
    athlete: Athlete, corpus: Path, computed: Counter[tuple[str, int]]
) -> None:
    import_history(athlete, corpus)
    rides = Activity.objects.filter(athlete=athlete, sport="ride").order_by("day")
    later = rides.last()
    assert later is not None and rides.count() == 2
    computed.clear()

    thresholds_set(athlete=athlete, sport="ride", valid_from=later.day, by=None, ftp_w=321)

    assert sum(computed.values()) == 1  # the later ride only: the others' inputs are the same
    changed = stored(athlete)
    athlete_metrics_refresh(athlete=athlete, since=None)
    assert stored(athlete) == changed
    computed.clear()

    thresholds_set(athlete=athlete, sport="ride", valid_from=later.day, by=None, ftp_w=321)

    assert not computed  # the same values again: nothing to recompute
    assert stored(athlete) == changed


def test_metrics_of_an_older_algorithm_or_never_computed_are_recomputed_by_a_refresh(
    athlete: Athlete, corpus: Path, computed: Counter[tuple[str, int]]
) -> None:
    import_history(athlete, corpus)
    [swim] = Activity.objects.filter(athlete=athlete, sport="swim")
    ActivityMetrics.objects.filter(activity=swim).update(algorithm_version=1)
    ActivityMetrics.objects.filter(activity__sport="run").delete()
    computed.clear()

    # run rows lend heart rate to every sport: every activity is looked at, with the same inputs
    assert sport_metrics_refresh(athlete=athlete, sport="run", since=dt.date(2000, 1, 1)) == 3
    assert sorted(sport for sport, _samples in computed.elements()) == ["run", "run", "swim"]
