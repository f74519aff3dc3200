"""The home's change over 7 days: whole points with a real minus sign, "—" when unknown."""

from __future__ import annotations

import pytest

from analytics.display.glance import signed


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (3.4, "+3"),
        (-2.6, "\u22123"),
        (0.2, "0"),
        (-0.4, "0"),
        (None, "\u2014"),
        (float("nan"), "\u2014"),
    ],
)
def test_a_change_shows_whole_points_with_its_sign(value: float | None, text: str) -> None:
    assert signed(value) == text
