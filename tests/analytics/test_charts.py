"""Chart geometry (analytics/charts.py): pure maths, checked by hand. No database."""

from __future__ import annotations

import datetime as dt
import math

import pytest

from analytics import charts
from analytics.charts import (
    CURVE_FRAME,
    LINES_NARROW,
    DayAxis,
    Frame,
    Scale,
    bars,
    bars_chart,
    curve_chart,
    day_ticks,
    duration_label,
    duration_ticks,
    line_path,
    lines_chart,
    nice_domain,
    nice_step,
    number_label,
    ratio_chart,
)

FRAME = Frame(width=640.0, height=240.0, left=58.0, right=14.0, top=12.0, bottom=36.0)


@pytest.mark.parametrize(
    ("span", "count", "step"),
    [(100.0, 4, 25.0), (94.0, 4, 25.0), (1.0, 4, 0.25), (7.0, 4, 2.0), (0.3, 3, 0.1)],
)
def test_nice_step_is_the_one_two_two_and_a_half_five_step_just_above_span_over_count(
    span: float, count: int, step: float
) -> None:
    assert nice_step(span, count) == pytest.approx(step)


def test_nice_domain_covers_the_data_with_round_bounds_and_even_ticks() -> None:
    lo, hi, ticks = nice_domain(3.0, 97.0)
    assert (lo, hi) == (0.0, 100.0)
    assert ticks == [0.0, 25.0, 50.0, 75.0, 100.0]


def test_nice_domain_includes_negative_values_below_zero() -> None:
    lo, hi, ticks = nice_domain(-32.0, 71.0)
    assert lo <= -32.0 and hi >= 71.0
    assert 0.0 in ticks
    assert len(ticks) <= 6


def test_nice_domain_of_a_single_value_is_padded_around_it() -> None:
    lo, hi, _ticks = nice_domain(150.0, 150.0)
    assert lo < 150.0 < hi


def test_number_labels_take_the_step_decimals_a_true_minus_and_the_decimal_sign() -> None:
    assert number_label(50.0, 25.0) == "50"
    assert number_label(-25.0, 25.0) == "\u221225"
    assert number_label(0.75, 0.25, ",") == "0,75"
    assert number_label(-0.0, 0.5) == "0.0"


def test_a_linear_scale_maps_the_domain_onto_the_pixels_even_reversed() -> None:
    y = Scale(0.0, 100.0, 200.0, 10.0)
    assert y(0.0) == 200.0
    assert y(100.0) == 10.0
    assert y(50.0) == 105.0


def test_a_log_scale_gives_each_decade_the_same_width() -> None:
    x = Scale(1.0, 1000.0, 0.0, 300.0, log=True)
    assert x(10.0) == pytest.approx(100.0)
    assert x(100.0) == pytest.approx(200.0)


def test_a_nan_point_breaks_the_line_into_two_segments() -> None:
    points = [(0.0, 0.0), (1.0, 1.0), (math.nan, math.nan), (3.0, 3.0), (4.0, 4.0)]
    assert line_path(points) == "M0.0 0.0L1.0 1.0M3.0 3.0L4.0 4.0"


def test_thinning_skips_points_closer_than_min_dx_but_keeps_the_segment_end() -> None:
    points = [(0.0, 0.0), (0.2, 5.0), (0.4, 6.0), (1.5, 1.0), (1.7, 9.0)]
    assert line_path(points, min_dx=1.0) == "M0.0 0.0L1.5 1.0L1.7 9.0"


def test_duration_ticks_are_decades_of_round_durations_or_finer_over_a_short_span() -> None:
    assert duration_ticks(1.0, 3600.0) == [1.0, 10.0, 60.0, 600.0, 3600.0]
    assert duration_ticks(1.0, 400.0) == [1.0, 10.0, 60.0]
    assert duration_ticks(30.0, 400.0) == [30.0, 60.0, 300.0]  # one decade: finer steps
    assert [duration_label(s) for s in (5, 60, 1200, 3600, 5400)] == [
        "5 s",
        "1 min",
        "20 min",
        "1 h",
        "1.5 h",
    ]


def _axis(first: dt.date, last: dt.date) -> Scale:
    return DayAxis(first, last, last).scale(FRAME)


def test_day_ticks_fall_on_mondays_for_six_weeks_and_on_month_starts_for_a_year() -> None:
    first, last = dt.date(2026, 2, 6), dt.date(2026, 3, 19)
    weekly = day_ticks(_axis(first, last), first, last)
    assert weekly and all(t.day.weekday() == 0 and t.unit == "week" for t in weekly)
    first = dt.date(2025, 3, 20)
    monthly = day_ticks(_axis(first, last), first, last)
    assert monthly and all(t.day.day == 1 and t.unit == "month" for t in monthly)
    assert len(monthly) <= charts.MAX_TICKS


def test_a_narrow_frame_takes_fewer_date_ticks() -> None:
    assert FRAME.max_ticks == 6
    assert LINES_NARROW.max_ticks == 4


def test_bars_rise_from_zero_to_their_value_and_skip_rest_days() -> None:
    first = dt.date(2026, 3, 1)
    x = Scale(first.toordinal() - 0.5, first.toordinal() + 3.5, 0.0, 400.0)
    y = Scale(0.0, 100.0, 200.0, 0.0)
    drawn = bars(
        [first + dt.timedelta(days=n) for n in range(4)], [50.0, 0.0, math.nan, 100.0], 1, x, y
    )
    assert [bar.index for bar in drawn] == [0, 3]
    half, full = drawn
    assert (half.y, half.height) == (100.0, 100.0)
    assert (full.y, full.height) == (0.0, 200.0)
    assert full.width == pytest.approx(90.0)  # a day is 100 px, 10 % gap


def test_a_mean_max_curve_spans_the_plot_on_a_log_axis_and_marks_asked_durations() -> None:
    durations = [1, 2, 5, 10, 60, 600]
    values = [900.0, 800.0, 600.0, 500.0, 350.0, 280.0]
    chart = curve_chart(durations, values, marks_s=[5, 60, 3600])
    assert chart.path.startswith(f"M{CURVE_FRAME.x0:.1f} ")
    assert f"L{CURVE_FRAME.x1:.1f} " in chart.path
    assert [m.index for m in chart.markers] == [2, 4]  # 3600 s is not on the curve
    top = [t.value for t in chart.y_ticks]
    assert top[0] <= 280.0 and top[-1] >= 900.0
    assert [t.label for t in chart.x_ticks] == ["1 s", "10 s", "1 min", "10 min"]


def test_an_empty_curve_draws_nothing() -> None:
    chart = curve_chart([1, 2], [math.nan, math.nan])
    assert chart.path == "" and chart.markers == []


def test_the_forecast_line_starts_where_the_actual_line_ends() -> None:
    first, today = dt.date(2026, 3, 1), dt.date(2026, 3, 3)
    days = [first + dt.timedelta(days=n) for n in range(3)]
    future = [today + dt.timedelta(days=n) for n in (1, 2)]
    axis = DayAxis(first, future[-1], today)
    chart = lines_chart(
        axis, days, {"fitness": [10.0, 20.0, 30.0]}, future_days=future,
        forecast={"fitness": [25.0, 20.0]},
    )  # fmt: skip
    last_actual = chart.lines["fitness"].split("L")[-1]
    assert chart.dashed["fitness"].startswith(f"M{last_actual}")
    assert chart.dashed["fitness"].count("L") == 2
    assert chart.today_x is not None


def test_the_zero_line_sits_on_zero_when_form_goes_negative() -> None:
    first = dt.date(2026, 3, 1)
    days = [first, first + dt.timedelta(days=1)]
    chart = lines_chart(DayAxis(first, days[-1], days[-1]), days, {"form": [-30.0, 10.0]})
    zero = next(t for t in chart.y_ticks if t.value == 0.0)
    assert chart.zero_y == zero.at
    assert chart.y_ticks[0].value <= -30.0


def test_acwr_bands_stack_from_zero_at_the_published_boundaries() -> None:
    first = dt.date(2026, 3, 1)
    days = [first, first + dt.timedelta(days=1)]
    edges = [("low", 0.0, 0.8), ("optimal", 0.8, 1.3), ("high", 1.3, 1.5), ("very", 1.5, math.inf)]
    frame = Frame(height=170.0)
    chart = ratio_chart(DayAxis(first, days[-1], days[-1]), days, [1.0, 1.1], edges, frame=frame)
    y = Scale(0.0, 2.0, frame.y_bottom, frame.y_top)  # the floor of 2.0 sets the top
    low, optimal, high, very = chart.bands
    assert low.y + low.height == pytest.approx(frame.y_bottom, abs=0.1)
    assert optimal.y == pytest.approx(y(1.3), abs=0.1)
    assert high.y == pytest.approx(y(1.5), abs=0.1)
    assert very.y == pytest.approx(frame.y_top, abs=0.1)


def test_load_bars_and_planned_bars_share_one_value_axis() -> None:
    first = dt.date(2026, 3, 1)
    axis = DayAxis(first, first + dt.timedelta(days=3), first + dt.timedelta(days=1))
    chart = bars_chart(
        axis, [first, first + dt.timedelta(days=1)], [50.0, 100.0],
        planned_starts=[first + dt.timedelta(days=2)], planned=[100.0],
    )  # fmt: skip
    assert chart.bars[1].height == chart.planned_bars[0].height
    assert chart.bars[0].height == pytest.approx(chart.bars[1].height / 2, abs=0.1)


def test_efficiency_reads_in_watts_or_metres_per_heartbeat() -> None:
    from django.utils import translation

    from analytics.display.common import efficiency_text

    with translation.override("en"):
        assert efficiency_text(1.4286, power=True) == "1.43 W/bpm"
        assert efficiency_text(0.0207, power=False) == "1.24 m/beat"
        assert efficiency_text(None, power=False) == "—"


# --- wellness charts ------------------------------------------------------------------------


def test_an_area_runs_along_the_high_edge_and_back_along_the_low_one_and_breaks_at_gaps() -> None:
    path = charts.area_path([0, 10, 20, 30], [5, 6, math.nan, 8], [1, 2, 3, 4])
    assert path == "M0.0 1.0L10.0 2.0L10.0 6.0L0.0 5.0Z"  # the lone last point fills nothing
    assert charts.area_path([], [], []) == ""


def test_an_areas_low_edge_goes_back_through_every_point_not_straight_to_the_start() -> None:
    path = charts.area_path([0, 10, 20, 30], [5, 9, 4, 8], [1, 2, 3, 4], min_dx=1.0)
    assert path == "M0.0 1.0L10.0 2.0L20.0 3.0L30.0 4.0L30.0 8.0L20.0 4.0L10.0 9.0L0.0 5.0Z"


def test_stacked_bars_sit_on_the_layers_below_and_skip_missing_values() -> None:
    day = dt.date(2026, 3, 2)
    x = charts.Scale(day.toordinal() - 0.5, day.toordinal() + 0.5, 0, 100)
    y = charts.Scale(0, 10, 100, 0)
    deep, light, rem = charts.stacked_bars([day], [[2.0], [math.nan], [3.0]], x, y)
    assert (deep[0].y, deep[0].height) == (80.0, 20.0)
    assert light == []
    assert (rem[0].y, rem[0].height) == (50.0, 30.0)


def test_a_range_chart_fits_its_values_without_forcing_zero_and_shades_its_areas() -> None:
    first = dt.date(2026, 3, 2)
    days = [first + dt.timedelta(days=n) for n in range(3)]
    axis = charts.DayAxis(first, days[-1], days[-1])
    chart = charts.range_chart(
        axis, days, {"hrv": [58.0, 61.0, 44.0]}, areas={"baseline": ([52.0] * 3, [68.0] * 3)}
    )
    assert chart.y_ticks[0].value == 40 and chart.y_ticks[-1].value == 70
    assert chart.areas["baseline"].endswith("Z")
    scores = charts.range_chart(axis, days, {"stress": [20.0, 30.0, 25.0]}, floor=0, ceiling=100)
    assert (scores.y_ticks[0].value, scores.y_ticks[-1].value) == (0, 100)
