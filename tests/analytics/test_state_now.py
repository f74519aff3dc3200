"""`state_now`: today's Fitness / Fatigue / Form, their change over 7 days and the ACWR from
one athlete's DailyLoad rows (unsaved rows: no database)."""

from __future__ import annotations

import datetime as dt
import math

import pytest

from analytics.models import DailyLoad
from analytics.selectors import state_now

FIRST = dt.date(2026, 1, 1)


def _rows(loads: list[float], fitness: list[float] | None = None) -> list[DailyLoad]:
    return [
        DailyLoad(
            day=FIRST + dt.timedelta(days=n),
            load=load,
            fitness=fitness[n] if fitness else float(n),
            fatigue=2.0 * n,
            form=-float(n),
        )
        for n, load in enumerate(loads)
    ]


def test_no_rows_is_no_state() -> None:
    assert state_now([]) is None


def test_the_latest_day_and_its_change_over_seven_days() -> None:
    state = state_now(_rows([40.0] * 30))
    assert state is not None
    assert state.latest.day == FIRST + dt.timedelta(days=29)
    assert (state.latest.fitness, state.latest.fatigue, state.latest.form) == (29, 58, -29)
    assert (state.fitness_change, state.fatigue_change, state.form_change) == (7, 14, -7)


def test_the_acwr_needs_28_days_and_takes_its_band() -> None:
    short = state_now(_rows([40.0] * 10))
    assert short is not None
    assert math.isnan(short.latest.acwr)
    assert short.latest.band == "unknown"
    state = state_now(_rows([50.0] * 21 + [80.0] * 7))
    assert state is not None
    assert state.latest.acwr == pytest.approx(80 / ((21 * 50 + 7 * 80) / 28))
    assert state.latest.band == "high"


def test_a_change_is_unknown_without_the_day_a_week_before() -> None:
    rows = _rows([40.0] * 5)
    assert state_now(rows) is not None
    assert state_now(rows).fitness_change is None  # type: ignore[union-attr]
    gap = _rows([40.0] * 10)
    del gap[2]  # a day without a row: its Fitness is unknown (NaN)
    state = state_now(gap)
    assert state is not None
    assert state.fitness_change is None
    assert state.form_change is None
