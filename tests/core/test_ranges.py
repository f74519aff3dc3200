"""The plausible ranges every input path checks: finite numbers within inclusive bounds."""

from __future__ import annotations

import pytest

from core.ranges import SESSION_DURATION_S, Range


@pytest.mark.parametrize(
    "value", [float("nan"), float("inf"), float("-inf"), True, "10", None, 10**400, -1, 1e308]
)
def test_a_range_refuses_what_is_not_a_finite_number_within_it(value: object) -> None:
    assert not Range(0, 100).contains(value)
    assert Range(0, 100).plausible(value) is None


def test_a_range_takes_its_bounds_and_gives_floats_back() -> None:
    assert Range(0, 100).contains(0) and Range(0, 100).contains(100.0)
    assert Range(0, 100).plausible(-0.0) == 0.0
    assert Range(0, 100).plausible(7) == 7.0


def test_a_session_lasts_at_most_two_days() -> None:
    assert SESSION_DURATION_S.contains(48 * 3600)
    assert not SESSION_DURATION_S.contains(48 * 3600 + 1)
    assert not SESSION_DURATION_S.contains(0)


def test_limits_are_form_and_serializer_keywords_and_scale_to_display_units() -> None:
    assert Range(0, 2000).as_limits() == {"min_value": 0, "max_value": 2000}
    assert Range(0, 2000).scaled(1000) == Range(0, 2)
