"""Scoring compliance (DESIGN §6): step colours, the worse of volume and steps, scores and the
per-verdict tally. Pure: no database."""

from __future__ import annotations

import pytest

from coaching.workouts.compliance import session_compliance
from coaching.workouts.scoring import Tally, session_colour, step_colour, tally


@pytest.mark.parametrize(
    ("share", "colour"),
    [
        (1.0, "green"),
        (0.8, "green"),
        (0.79, "yellow"),
        (0.5, "yellow"),
        (0.49, "red"),
        (0.0, "red"),
    ],
)
def test_the_share_of_steps_on_target_has_its_own_scale(share: float, colour: str) -> None:
    assert step_colour(share) == colour


def test_no_judged_step_has_no_colour() -> None:
    assert step_colour(None) is None


def test_a_sessions_colour_is_the_worse_of_volume_and_steps() -> None:
    assert session_colour("green", 0.0) == "red"  # the volume done, none of the steps
    assert session_colour("green", 0.6) == "yellow"
    assert session_colour("yellow", 1.0) == "yellow"
    assert session_colour("red", 1.0) == "red"
    assert session_colour("green", None) == "green"  # no step judged: the volume alone
    assert session_colour(None, 0.9) == "green"
    assert session_colour(None, None) is None


def test_overdoing_by_sixty_percent_is_red_and_scores_zero() -> None:
    colour = session_compliance(1.6 * 3600, 3600)

    assert colour == "red"
    assert tally([colour]).pct == 0.0


def test_scores_are_one_half_and_zero_and_missed_counts_apart_from_red() -> None:
    week = tally(["green", "yellow", "red", "missed", None])

    assert (week.green, week.yellow, week.red, week.missed) == (1, 1, 1, 1)
    assert week.judged == 4  # None: not judged
    assert week.pct == pytest.approx(100 * 1.5 / 4)
    assert week.colour == "red"  # 37.5 %


def test_unplanned_activities_are_counted_but_never_scored() -> None:
    alone = tally([], unplanned=3)
    beside = tally(["green"], unplanned=3)

    assert (alone.unplanned, alone.judged, alone.pct, alone.colour) == (3, 0, None, None)
    assert beside.pct == 100.0 and beside.colour == "green"


def test_the_period_colour_follows_the_percent() -> None:
    assert Tally(green=4, red=1).colour == "green"  # 80 %
    assert Tally(green=1, red=1).colour == "yellow"  # 50 %
    assert Tally(yellow=1, red=1).colour == "red"  # 25 %
