from __future__ import annotations

import math

import pytest

from coaching.workouts.resolve import compliance_range, target_mid, target_range
from coaching.workouts.tree import AthleteThresholds, Target, TargetKind, TargetMode

POWER_ZONES = (
    (0.0, 137.5),  # Z1 < 55 % of 250 W
    (137.5, 187.5),  # Z2 55–75 %
    (187.5, 225.0),  # Z3 75–90 %
    (225.0, 262.5),  # Z4 90–105 %
    (262.5, math.inf),  # Z5 open-ended
)
ATHLETE = AthleteThresholds(
    ftp_w=250.0,
    lthr_bpm=170.0,
    hr_rest_bpm=50.0,
    hr_max_bpm=190.0,
    threshold_speed_mps=4.0,
    zones={
        "power": POWER_ZONES,
        "hr": ((0.0, 144.5), (144.5, 153.0), (153.0, 161.5), (161.5, 170.0), (170.0, 190.0)),
        "pace": ((0.0, 3.0), (3.0, 3.5), (3.5, 4.0), (4.0, 4.4), (4.4, 6.0)),
    },
)
NOBODY = AthleteThresholds()


def _target(kind: TargetKind, mode: TargetMode, low: float, high: float) -> Target:
    return Target(kind, mode, low, high)


def test_percent_targets_scale_the_kinds_threshold() -> None:
    power = _target(TargetKind.POWER, TargetMode.PERCENT, 90, 105)
    hr = _target(TargetKind.HR, TargetMode.PERCENT, 95, 100)
    pace = _target(TargetKind.PACE, TargetMode.PERCENT, 100, 110)
    # 90 % and 105 % of 250 W; 95 % and 100 % of 170 bpm; 100 % and 110 % of 4 m/s
    assert target_range(power, sport="ride", thresholds=ATHLETE) == pytest.approx((225.0, 262.5))
    assert target_range(hr, sport="run", thresholds=ATHLETE) == pytest.approx((161.5, 170.0))
    assert target_range(pace, sport="run", thresholds=ATHLETE) == pytest.approx((4.0, 4.4))


def test_zone_targets_run_from_the_low_zones_floor_to_the_high_zones_ceiling() -> None:
    z2 = _target(TargetKind.POWER, TargetMode.ZONE, 2, 2)
    z3_z4 = _target(TargetKind.HR, TargetMode.ZONE, 3, 4)
    z4_pace = _target(TargetKind.PACE, TargetMode.ZONE, 4, 4)
    assert target_range(z2, sport="ride", thresholds=ATHLETE) == (137.5, 187.5)
    assert target_range(z3_z4, sport="run", thresholds=ATHLETE) == (153.0, 170.0)
    assert target_range(z4_pace, sport="run", thresholds=ATHLETE) == (4.0, 4.4)


def test_absolute_targets_are_taken_as_they_are() -> None:
    rpe = _target(TargetKind.RPE, TargetMode.ABSOLUTE, 6, 7)
    cadence = _target(TargetKind.CADENCE, TargetMode.ABSOLUTE, 85, 95)
    assert target_range(rpe, sport="run", thresholds=NOBODY) == (6.0, 7.0)
    assert target_range(cadence, sport="ride", thresholds=NOBODY) == (85.0, 95.0)


def test_targets_needing_an_unknown_threshold_or_zone_do_not_resolve() -> None:
    percent = _target(TargetKind.POWER, TargetMode.PERCENT, 90, 90)
    zone = _target(TargetKind.HR, TargetMode.ZONE, 2, 2)
    assert target_range(percent, sport="ride", thresholds=NOBODY) is None
    assert target_range(zone, sport="run", thresholds=NOBODY) is None
    assert target_mid(percent, sport="ride", thresholds=NOBODY) is None
    assert compliance_range(zone, sport="run", thresholds=NOBODY) is None


def test_zone_numbers_that_do_not_exist_do_not_resolve() -> None:
    for low, high in ((6, 6), (0, 1), (2.5, 3), (4, 3)):
        target = _target(TargetKind.POWER, TargetMode.ZONE, low, high)
        assert target_range(target, sport="ride", thresholds=ATHLETE) is None


def test_rpe_and_cadence_have_no_threshold_or_zones() -> None:
    percent = _target(TargetKind.RPE, TargetMode.PERCENT, 50, 60)
    zone = _target(TargetKind.CADENCE, TargetMode.ZONE, 2, 2)
    assert target_range(percent, sport="run", thresholds=ATHLETE) is None
    assert target_range(zone, sport="run", thresholds=ATHLETE) is None


def test_the_mid_is_the_middle_of_the_range() -> None:
    target = _target(TargetKind.POWER, TargetMode.PERCENT, 90, 110)
    assert target_mid(target, sport="ride", thresholds=ATHLETE) == pytest.approx(250.0)


def test_open_ended_zones_are_taken_as_wide_as_their_neighbour_for_the_mid() -> None:
    z1 = _target(TargetKind.POWER, TargetMode.ZONE, 1, 1)
    z5 = _target(TargetKind.POWER, TargetMode.ZONE, 5, 5)
    # Z1 is 0–137.5 W; as wide as Z2 (50 W): 87.5–137.5, mid 112.5
    assert target_mid(z1, sport="ride", thresholds=ATHLETE) == pytest.approx(112.5)
    # Z5 is 262.5–∞; as wide as Z4 (37.5 W): 262.5–300, mid 281.25
    assert target_mid(z5, sport="ride", thresholds=ATHLETE) == pytest.approx(281.25)
    # the compliance range keeps the zone open: anything above 262.5 W is Z5
    assert target_range(z5, sport="ride", thresholds=ATHLETE) == (262.5, math.inf)


def test_a_single_value_gets_its_tolerance_for_compliance_only() -> None:
    power = _target(TargetKind.POWER, TargetMode.PERCENT, 105, 105)
    pace = _target(TargetKind.PACE, TargetMode.ABSOLUTE, 4.0, 4.0)
    hr = _target(TargetKind.HR, TargetMode.ABSOLUTE, 150, 150)
    rpe = _target(TargetKind.RPE, TargetMode.ABSOLUTE, 7, 7)
    # 105 % of 250 W = 262.5 W ± 3 % (7.875 W)
    assert compliance_range(power, sport="ride", thresholds=ATHLETE) == pytest.approx(
        (254.625, 270.375)
    )
    assert target_range(power, sport="ride", thresholds=ATHLETE) == pytest.approx((262.5, 262.5))
    assert target_mid(power, sport="ride", thresholds=ATHLETE) == pytest.approx(262.5)
    assert compliance_range(pace, sport="run", thresholds=ATHLETE) == pytest.approx((3.88, 4.12))
    assert compliance_range(hr, sport="run", thresholds=ATHLETE) == (147.0, 153.0)
    assert compliance_range(rpe, sport="run", thresholds=ATHLETE) == (6.5, 7.5)


def test_a_range_target_is_not_widened() -> None:
    target = _target(TargetKind.HR, TargetMode.ZONE, 2, 2)
    assert compliance_range(target, sport="run", thresholds=ATHLETE) == (144.5, 153.0)
