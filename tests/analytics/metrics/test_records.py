from __future__ import annotations

from datetime import date

import numpy as np
import pytest

from analytics.metrics.efforts import best_efforts
from analytics.metrics.records import (
    ActivityEfforts,
    RecordKey,
    personal_records,
    records_progression,
)

FIVE_K = RecordKey("run", "effort", 5000.0)
TEN_K_WHOLE = RecordKey("run", "whole", 10000.0)


def run(
    activity_id: int,
    day: date,
    *,
    distance_m: float = 3000.0,
    elapsed_s: float | None = None,
    moving_s: float | None = None,
    efforts: dict[float, float | None] | None = None,
    sport: str = "run",
) -> ActivityEfforts:
    return ActivityEfforts(
        activity_id=activity_id,
        sport=sport,
        day=day,
        distance_m=distance_m,
        elapsed_s=elapsed_s,
        moving_s=moving_s,
        best_efforts=efforts or {},
    )


def test_the_fastest_effort_per_distance_holds_the_record() -> None:
    activities = [
        run(1, date(2025, 1, 5), efforts={1000.0: 240.0, 5000.0: 1260.0}),
        run(2, date(2025, 2, 5), efforts={1000.0: 230.0, 5000.0: 1300.0}),
    ]
    records = personal_records(activities)
    assert records[RecordKey("run", "effort", 1000.0)].activity_id == 2
    assert records[RecordKey("run", "effort", 1000.0)].time_s == 230.0
    assert records[FIVE_K].activity_id == 1
    assert records[FIVE_K].day == date(2025, 1, 5)


def test_efforts_longer_than_the_activity_set_no_record() -> None:
    records = personal_records([run(1, date(2025, 1, 5), efforts={1000.0: 240.0, 5000.0: None})])
    assert FIVE_K not in records
    assert RecordKey("run", "effort", 1000.0) in records


def test_records_are_kept_per_sport() -> None:
    activities = [
        run(1, date(2025, 1, 5), efforts={1000.0: 240.0}),
        run(2, date(2025, 1, 6), efforts={1000.0: 90.0}, sport="ride"),
    ]
    records = personal_records(activities)
    assert records[RecordKey("run", "effort", 1000.0)].activity_id == 1
    assert records[RecordKey("ride", "effort", 1000.0)].activity_id == 2


def test_progression_lists_each_improvement_in_day_order_whatever_the_input_order() -> None:
    activities = [
        run(4, date(2025, 4, 1), efforts={5000.0: 1250.0}),
        run(2, date(2025, 2, 1), efforts={5000.0: 1320.0}),  # slower: not an improvement
        run(1, date(2025, 1, 1), efforts={5000.0: 1300.0}),
        run(3, date(2025, 3, 1), efforts={5000.0: 1280.0}),
    ]
    history = records_progression(activities)[FIVE_K]
    assert [(r.activity_id, r.time_s) for r in history] == [(1, 1300.0), (3, 1280.0), (4, 1250.0)]


def test_a_tie_keeps_the_earlier_record_holder() -> None:
    activities = [
        run(2, date(2025, 2, 1), efforts={5000.0: 1300.0}),
        run(1, date(2025, 1, 1), efforts={5000.0: 1300.0}),
        run(3, date(2025, 2, 1), efforts={5000.0: 1300.0}),
    ]
    assert [r.activity_id for r in records_progression(activities)[FIVE_K]] == [1]


def test_a_10_3_km_run_counts_in_the_10_km_bin_at_its_pace() -> None:
    # 10.3 km in 2,575 s (4:10 /km) → 2,500 s over 10 km.
    activity = run(1, date(2025, 5, 1), distance_m=10300.0, elapsed_s=2575.0)
    record = personal_records([activity])[TEN_K_WHOLE]
    assert record.time_s == pytest.approx(2500.0)
    assert (record.activity_time_s, record.activity_distance_m) == (2575.0, 10300.0)
    assert set(personal_records([activity])) == {TEN_K_WHOLE}


def test_whole_activity_bins_reach_exactly_five_percent_either_side() -> None:
    inside = [
        run(i, date(2025, 5, i), distance_m=d, elapsed_s=3000.0)
        for i, d in ((1, 9500.0), (2, 10500.0))
    ]
    outside = [
        run(i, date(2025, 5, i), distance_m=d, elapsed_s=3000.0)
        for i, d in ((3, 9499.0), (4, 10501.0))
    ]
    # Same time, longer distance: the 10.5 km run is faster per 10 km and improves the record.
    assert [r.activity_id for r in records_progression(inside)[TEN_K_WHOLE]] == [1, 2]
    assert TEN_K_WHOLE not in personal_records(outside)


def test_a_faster_pace_over_a_shorter_whole_run_still_beats_a_slower_longer_one() -> None:
    activities = [
        run(1, date(2025, 5, 1), distance_m=10400.0, elapsed_s=2600.0),  # 2,500 s / 10 km
        run(2, date(2025, 6, 1), distance_m=9800.0, elapsed_s=2499.0),  # 2,550 s / 10 km
        run(3, date(2025, 7, 1), distance_m=9600.0, elapsed_s=2352.0),  # 2,450 s / 10 km
    ]
    history = records_progression(activities)[TEN_K_WHOLE]
    assert [r.activity_id for r in history] == [1, 3]
    assert history[-1].time_s == pytest.approx(2450.0)


def test_whole_activity_records_can_use_moving_time() -> None:
    activities = [
        run(1, date(2025, 5, 1), distance_m=10000.0, elapsed_s=2700.0, moving_s=2600.0),
        run(2, date(2025, 6, 1), distance_m=10000.0, elapsed_s=2650.0, moving_s=2640.0),
    ]
    assert personal_records(activities)[TEN_K_WHOLE].activity_id == 2
    assert personal_records(activities, clock="moving")[TEN_K_WHOLE].activity_id == 1


def test_an_activity_without_the_chosen_clock_sets_no_whole_record() -> None:
    activity = run(1, date(2025, 5, 1), distance_m=10000.0, elapsed_s=2700.0)
    assert TEN_K_WHOLE not in personal_records([activity], clock="moving")


def test_records_from_best_efforts_of_constant_speed_runs() -> None:
    # 4 m/s for 30 min and 5 m/s for 15 min: the 5 km record is the faster run's 1,000 s.
    slow_s, fast_s = np.arange(0.0, 1801.0), np.arange(0.0, 901.0)
    activities = [
        run(1, date(2025, 1, 1), distance_m=7200.0, efforts=best_efforts(4.0 * slow_s, slow_s)),
        run(2, date(2025, 1, 8), distance_m=4500.0, efforts=best_efforts(5.0 * fast_s, fast_s)),
    ]
    records = personal_records(activities)
    assert records[FIVE_K].activity_id == 1  # the fast run is only 4.5 km
    assert records[FIVE_K].time_s == pytest.approx(1250.0)
    assert records[RecordKey("run", "effort", 1000.0)].time_s == pytest.approx(200.0)
    assert records[RecordKey("run", "effort", 1000.0)].activity_id == 2
