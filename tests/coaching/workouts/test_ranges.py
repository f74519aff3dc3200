"""A stranger's numbers in a workout — in the step JSON of the API and in the text syntax — are
refused with a clear message, never stored: huge, negative, zero, NaN, infinite, not numbers."""

from __future__ import annotations

from typing import Any

import pytest

from coaching.workouts.text import parse
from coaching.workouts.tree import WorkoutError, from_data


def _step(duration: Any = None, target: Any = None) -> list[dict[str, Any]]:
    step: dict[str, Any] = {
        "intent": "active",
        "duration": duration or {"kind": "time", "value": 600},
    }
    if target is not None:
        step["target"] = target
    return [step]


@pytest.mark.parametrize(
    "value", [1e308, float("inf"), float("nan"), -600, -0.0, 0, "600", True, None, 86401, 10**400]
)
def test_a_timed_step_outside_one_second_to_a_day_is_refused(value: Any) -> None:
    with pytest.raises(WorkoutError):
        from_data(_step({"kind": "time", "value": value}))


def test_the_message_says_the_plausible_range() -> None:
    with pytest.raises(WorkoutError) as caught:
        from_data(_step({"kind": "distance", "value": 1e308}))
    assert caught.value.message == "A distance step covers from 1 m to 1000 km."


@pytest.mark.parametrize(
    ("kind", "mode", "value", "message"),
    [
        ("power", "absolute", 1e308, "A power target is from 1 to 3000 W."),
        ("hr", "absolute", 400, "A heart-rate target is from 25 to 250 bpm."),
        ("pace", "absolute", 100, "A pace target is a speed from 0.1 to 30 m/s."),
        ("cadence", "absolute", 1000, "A cadence target is from 1 to 300 per minute."),
        ("rpe", "absolute", 11, "An RPE target is from 0.5 to 10."),
        ("power", "percent", 5000, "A percentage target is from 1 to 300 %."),
        ("hr", "zone", 1e6, "Zones are numbered from 1 to 10."),
    ],
)
def test_a_target_outside_its_plausible_range_is_refused(
    kind: str, mode: str, value: float, message: str
) -> None:
    target = {"kind": kind, "mode": mode, "low": 1, "high": value}
    with pytest.raises(WorkoutError) as caught:
        from_data(_step(target=target))
    assert caught.value.message == message


@pytest.mark.parametrize("count", [100, 10**400, 0, -1, 2.5, "3", True])
def test_a_repeat_count_is_a_whole_number_from_1_to_99(count: Any) -> None:
    with pytest.raises(WorkoutError):
        from_data([{"repeat": count, "steps": _step()}])


@pytest.mark.parametrize(
    ("text", "position", "message"),
    [
        ("25h", 0, "A timed step lasts from 1 s to 24 h."),
        ("10m 5000W", 4, "A power target is from 1 to 3000 W."),
        ("10m 400% FTP", 4, "A percentage target is from 1 to 300 %."),
        ("10m 300bpm", 4, "A heart-rate target is from 25 to 250 bpm."),
        ("2000km", 0, "A distance step covers from 1 m to 1000 km."),
        ("10m @0:01/km", 4, "A pace target is a speed from 0.1 to 30 m/s."),
        ("1" * 400 + "s", 0, "below 10,000,000"),
    ],
)
def test_the_text_syntax_refuses_implausible_values_where_they_are_written(
    text: str, position: int, message: str
) -> None:
    with pytest.raises(WorkoutError) as caught:
        parse(text, sport="ride")
    assert caught.value.position == position
    assert message in caught.value.message
