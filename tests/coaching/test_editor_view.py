"""What the editor and the library show of a workout, computed without a database: the
profile chart's geometry and the steps in words."""

from __future__ import annotations

import pytest

from coaching.display.workout import (
    CHART_HEIGHT,
    CHART_WIDTH,
    REST_HEIGHT,
    duration_label,
    profile_chart,
    target_label,
    workout_view,
)
from coaching.workouts.estimates import ProfileBar
from coaching.workouts.text import parse
from coaching.workouts.tree import Duration, DurationKind, Intent, Target, TargetKind, TargetMode


def _bar(start_s: float, duration_s: float, intensity: float, *, open_: bool = False) -> ProfileBar:
    return ProfileBar(start_s, duration_s, intensity, Intent.ACTIVE, open_)


def test_bars_share_the_width_in_proportion_to_their_time() -> None:
    chart = profile_chart([_bar(0, 600, 0.65), _bar(600, 1800, 1.0), _bar(2400, 600, 0.65)])

    assert [bar.width for bar in chart.bars] == [200.0, 600.0, 200.0]
    assert [bar.x for bar in chart.bars] == [0.0, 200.0, 800.0]
    assert chart.total_s == 3000


def test_heights_are_intensity_capped_at_the_top_and_rest_stays_visible() -> None:
    chart = profile_chart([_bar(0, 60, 1.3), _bar(60, 60, 2.5), _bar(120, 60, 0.0)])

    heights = [bar.height for bar in chart.bars]
    assert heights == [CHART_HEIGHT, CHART_HEIGHT, REST_HEIGHT]
    assert all(bar.y + bar.height == CHART_HEIGHT for bar in chart.bars)
    assert chart.threshold_y == pytest.approx(CHART_HEIGHT * (1 - 1 / 1.3))


def test_an_open_step_gets_a_small_share_of_the_known_time() -> None:
    chart = profile_chart([_bar(0, 1000, 0.7), _bar(1000, 0, 0.7, open_=True)])

    assert chart.bars[1].open
    assert chart.bars[1].width == pytest.approx(CHART_WIDTH * 40 / 1040, abs=0.01)
    assert sum(bar.width for bar in chart.bars) == pytest.approx(CHART_WIDTH, abs=0.02)


def test_a_workout_of_open_steps_only_is_drawn_in_equal_parts() -> None:
    chart = profile_chart([_bar(0, 0, 0.7, open_=True), _bar(0, 0, 0.7, open_=True)])

    assert [bar.width for bar in chart.bars] == [500.0, 500.0]


@pytest.mark.parametrize(
    ("target", "sport", "units", "words"),
    [
        (Target(TargetKind.HR, TargetMode.ZONE, 2, 2), "run", "metric", "Z2 HR"),
        (Target(TargetKind.POWER, TargetMode.ZONE, 2, 3), "ride", "metric", "Z2–Z3 power"),
        (Target(TargetKind.POWER, TargetMode.PERCENT, 105, 105), "ride", "metric", "105% FTP"),
        (Target(TargetKind.HR, TargetMode.ABSOLUTE, 150, 160), "run", "metric", "150–160 bpm"),
        (
            Target(TargetKind.PACE, TargetMode.ABSOLUTE, 1000 / 300, 1000 / 280),
            "run",
            "metric",
            "5:00–4:40 /km",
        ),
        (
            Target(TargetKind.PACE, TargetMode.ABSOLUTE, 1000 / 220, 1000 / 220),
            "run",
            "imperial",
            "5:54 /mi",
        ),
        (Target(TargetKind.PACE, TargetMode.ABSOLUTE, 1.0, 1.0), "swim", "metric", "1:40 /100m"),
        (
            Target(TargetKind.PACE, TargetMode.ABSOLUTE, 25 / 3.6, 30 / 3.6),
            "ride",
            "metric",
            "25–30 km/h",
        ),
        (Target(TargetKind.CADENCE, TargetMode.ABSOLUTE, 90, 90), "ride", "metric", "90 rpm"),
        (Target(TargetKind.CADENCE, TargetMode.ABSOLUTE, 180, 180), "run", "metric", "180 spm"),
        (Target(TargetKind.RPE, TargetMode.ABSOLUTE, 6, 7), "run", "metric", "RPE 6–7"),
    ],
)
def test_targets_in_words(target: Target, sport: str, units: str, words: str) -> None:
    assert target_label(target, sport=sport, units=units) == words


@pytest.mark.parametrize(
    ("duration", "sport", "units", "words"),
    [
        (Duration(DurationKind.TIME, 45), "run", "metric", "45 s"),
        (Duration(DurationKind.TIME, 600), "run", "metric", "10 min"),
        (Duration(DurationKind.TIME, 150), "run", "metric", "2:30"),
        (Duration(DurationKind.TIME, 5400), "run", "metric", "1:30:00"),
        (Duration(DurationKind.DISTANCE, 800), "run", "metric", "800 m"),
        (Duration(DurationKind.DISTANCE, 5000), "run", "metric", "5 km"),
        (Duration(DurationKind.DISTANCE, 1500), "swim", "metric", "1500 m"),
        (Duration(DurationKind.DISTANCE, 1609.344), "run", "imperial", "1 mi"),
        (Duration(DurationKind.OPEN), "run", "metric", "open (lap button)"),
    ],
)
def test_durations_in_words(duration: Duration, sport: str, units: str, words: str) -> None:
    assert duration_label(duration, sport=sport, units=units) == words


def test_without_an_athlete_the_numbers_use_no_thresholds_but_the_chart_has_a_shape() -> None:
    workout = parse("wu 10m, 4x (1km Z5, 2m Z1), cd 10m", sport="run")

    view = workout_view(workout, sport="run", units="metric")

    assert view.estimate.duration_s is None  # 1 km at an unknown pace
    assert view.estimate.load is None
    zone5 = view.chart.bars[1]
    zone1 = view.chart.bars[2]
    assert zone5.height > zone1.height  # drawn with a reference athlete's zones
    assert [row.kind for row in view.rows] == ["step", "repeat", "step"]
    assert view.rows[1].children[0].target == "Z5 HR"
