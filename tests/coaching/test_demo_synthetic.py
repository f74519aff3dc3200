"""Synthetic demo sessions: plausible physiology, deterministic, weekly structure; demo seeding."""

from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict

import numpy as np
import pytest

from activities.models import Activity, ActivitySource
from activities.types import NormalizedActivity
from athletes.models import Athlete
from coaching.demo.accounts import ATHLETES
from coaching.demo.activities import DemoAthlete, demo_activities_seed
from coaching.demo.synthetic import (
    Home,
    Physiology,
    SessionSpec,
    demo_schedule,
    synthetic_activity,
)
from coaching.demo.synthetic.schedule import PATTERNS
from core.sports import Sport
from tests.factories import ThresholdsFactory

BODY = Physiology(
    hr_rest_bpm=48,
    hr_max_bpm=190,
    lthr_bpm=171,
    ride_lthr_bpm=165,
    threshold_speed_mps=4.2,
    ftp_w=260,
    css_mps=1.3,
)
HOME = Home(45.8992, 6.1294, 450.0, 0.08)
FIRST = dt.date(2026, 1, 5)  # a Monday
LAST = dt.date(2026, 3, 29)  # a Sunday: 12 weeks


def generate(spec: SessionSpec, seed: int = 0) -> NormalizedActivity:
    return synthetic_activity(spec, physiology=BODY, home=HOME, time_zone="Europe/Paris", seed=seed)


def schedule(profile: str, seed: int = 0) -> list[SessionSpec]:
    return demo_schedule(profile, first_day=FIRST, last_day=LAST, seed=seed)


@pytest.fixture(scope="module")
def sessions() -> list[NormalizedActivity]:
    """Two weeks of every profile: every sport and kind of session appears."""
    specs = [s for p in PATTERNS for s in schedule(p) if s.day < FIRST + dt.timedelta(days=14)]
    return [generate(spec) for spec in specs]


def test_the_sample_covers_every_demo_sport(sessions: list[NormalizedActivity]) -> None:
    assert {a.sport for a in sessions} == {
        Sport.RUN,
        Sport.RIDE,
        Sport.SWIM,
        Sport.HIKE,
        Sport.STRENGTH,
    }


def test_heart_rate_stays_between_rest_and_max(sessions: list[NormalizedActivity]) -> None:
    for activity in sessions:
        hr = activity.streams.hr_bpm
        assert hr is not None
        assert hr.min() >= BODY.hr_rest_bpm and hr.max() <= BODY.hr_max_bpm, activity.name


def test_samples_are_one_second_apart_and_channels_have_the_same_length(
    sessions: list[NormalizedActivity],
) -> None:
    for activity in sessions:
        streams = activity.streams
        assert np.array_equal(np.diff(streams.time_s), np.ones(len(streams) - 1))
        for name in streams.present():
            assert getattr(streams, name).shape == streams.time_s.shape, name


def test_paces_speeds_and_power_are_within_sane_bounds(sessions: list[NormalizedActivity]) -> None:
    bounds = {Sport.RUN: (1.4, 7.0), Sport.HIKE: (0.6, 2.5), Sport.RIDE: (1.8, 19.0)}
    for activity in sessions:
        speed = activity.streams.speed_mps
        if activity.sport in bounds:
            low, high = bounds[activity.sport]
            assert speed is not None and low <= speed.min() and speed.max() <= high
        if activity.sport == Sport.RUN:
            pace_min_per_km = 1000 / 60 / float(np.mean(speed))
            assert 3.0 < pace_min_per_km < 8.0, activity.name
        if activity.sport == Sport.RIDE:
            power = activity.streams.power_w
            assert power is not None and power.min() >= 0 and power.max() < 3 * BODY.ftp_w
        if activity.sport == Sport.SWIM:
            assert speed is not None and speed.max() <= 2.2


def test_distance_is_the_integral_of_speed_and_matches_the_summary(
    sessions: list[NormalizedActivity],
) -> None:
    for activity in sessions:
        streams = activity.streams
        if streams.speed_mps is None:
            assert activity.sport == Sport.STRENGTH and streams.distance_m is None
            continue
        integral = float(np.sum(streams.speed_mps[:-1]))  # 1 s steps
        assert streams.distance_m[-1] == pytest.approx(integral, rel=1e-3, abs=1.0)
        assert activity.summary.distance_m == pytest.approx(streams.distance_m[-1], rel=0.02)


def test_grades_are_plausible_and_loops_come_home(sessions: list[NormalizedActivity]) -> None:
    for activity in sessions:
        streams = activity.streams
        if streams.altitude_m is None:
            continue
        step = 100.0  # grade over 100 m of distance, as a map would show it
        marks = np.arange(0.0, streams.distance_m[-1], step)
        altitude = np.interp(marks, streams.distance_m, streams.altitude_m)
        assert np.abs(np.diff(altitude) / step).max() <= 0.21, activity.name
        home_m = (
            math.dist((streams.lat_deg[0], streams.lon_deg[0]), (HOME.lat_deg, HOME.lon_deg))
            * 111_320
        )
        assert home_m < 1.0
        reach_deg = np.hypot(streams.lat_deg - HOME.lat_deg, streams.lon_deg - HOME.lon_deg)
        assert reach_deg.max() * 111_320 * 0.5 < streams.distance_m[-1] / 2


def test_heart_rate_lags_intensity_and_drifts_upwards_on_long_sessions(
    sessions: list[NormalizedActivity],
) -> None:
    intervals = next(a for a in sessions if a.name.startswith("Intervals") and a.sport == Sport.RUN)
    work = next(lap for lap in intervals.laps if lap.intensity == "active")
    start = int(work.start_s)
    hr = intervals.streams.hr_bpm
    assert hr[start + 5] < hr[start + 90] - 10  # 35 s time constant: still rising after 5 s

    long_ride = max((a for a in sessions if a.sport == Sport.RIDE), key=lambda a: len(a.streams))
    main = next(lap for lap in long_ride.laps if lap.intensity == "active")
    first, last = int(main.start_s) + 300, int(main.start_s + main.elapsed_s)
    middle = (first + last) // 2
    hr = long_ride.streams.hr_bpm
    assert hr[middle:last].mean() > hr[first:middle].mean() + 1


def test_sessions_have_warm_up_main_set_and_cool_down_laps(
    sessions: list[NormalizedActivity],
) -> None:
    for activity in sessions:
        intents = [lap.intensity for lap in activity.laps]
        assert intents[0] == "warmup"
        if activity.sport != Sport.STRENGTH:
            assert intents[-1] == "cooldown"
        assert "active" in intents
        assert sum(lap.elapsed_s for lap in activity.laps) == len(activity.streams)


def test_pool_swims_have_lengths_and_no_gps(sessions: list[NormalizedActivity]) -> None:
    swim = next(a for a in sessions if a.sport == Sport.SWIM)

    assert swim.pool_length_m == 25
    assert swim.streams.lat_deg is None and swim.streams.altitude_m is None
    assert sum(lap.lengths or 0 for lap in swim.laps) > 20


def test_the_same_seed_gives_the_same_sessions_and_another_seed_does_not() -> None:
    first = schedule("triathlete", seed=3)

    assert schedule("triathlete", seed=3) == first
    assert schedule("triathlete", seed=4) != first
    spec = first[5]
    one, again, other = generate(spec, seed=3), generate(spec, seed=3), generate(spec, seed=4)
    assert np.array_equal(one.streams.hr_bpm, again.streams.hr_bpm)
    assert one.summary == again.summary
    assert not np.array_equal(one.streams.hr_bpm[:600], other.streams.hr_bpm[:600])


def test_weeks_have_a_rest_day_midweek_intervals_and_a_weekend_long_session() -> None:
    for profile in ("runner", "cyclist"):
        specs = schedule(profile)
        by_weekday = defaultdict(list)
        for spec in specs:
            by_weekday[spec.day.weekday()].append(spec)
        assert not by_weekday[0]  # Monday is the rest day
        assert {s.kind for s in by_weekday[1]} == {"intervals"}
        longest = max(specs, key=lambda s: s.duration_s)
        assert longest.day.weekday() >= 5 and longest.kind == "long"


def test_volume_grows_over_the_months_with_a_recovery_week_every_fourth_week() -> None:
    weekly = defaultdict(int)
    for spec in schedule("runner"):
        weekly[(spec.day - FIRST).days // 7] += spec.duration_s
    weeks = [weekly[w] for w in range(12)]

    assert sum(weeks[8:11]) > 1.15 * sum(weeks[0:3])
    for recovery in (3, 7, 11):
        assert weeks[recovery] < 0.85 * weeks[recovery - 1]


# --- seeding the database ----------------------------------------------------------------


@pytest.mark.django_db
def test_demo_seeding_ingests_sessions_with_streams_once(athlete: Athlete) -> None:
    ThresholdsFactory(athlete=athlete, valid_from=dt.date(2025, 1, 1))
    runner = next(p for p in ATHLETES if p.profile == "triathlete")
    demo = [DemoAthlete(athlete, runner)]
    today = dt.date(2026, 3, 18)

    created = demo_activities_seed(athletes=demo, weeks=2, seed=0, today=today)
    again = demo_activities_seed(athletes=demo, weeks=2, seed=0, today=today)

    activities = Activity.objects.filter(athlete=athlete)
    assert created == activities.count() >= 10
    assert again == 0
    assert activities.count() == created
    assert max(a.day for a in activities) < today
    assert {a.sport for a in activities} >= {"run", "ride", "swim"}
    assert all(hasattr(a, "streams") for a in activities)
    ids = ActivitySource.objects.filter(athlete=athlete).values_list("external_id", flat=True)
    assert all(i.startswith("demo-athlete-2026-") for i in ids)
    run = activities.filter(sport="run").first()
    assert run is not None and 100 < run.avg_hr_bpm < 190 and run.distance_m > 3000


def _followed(sport: str, kind: str, day: dt.date) -> list[bool | None]:
    """The hits of the work steps of a demo session that follows its structured plan."""
    from athletes.zones import hr_zones_from_lthr, power_zones_from_ftp
    from coaching.demo.synthetic.planned import STRUCTURED, PlannedSession
    from coaching.workouts.compliance import step_compliance
    from coaching.workouts.text import parse
    from coaching.workouts.tree import AthleteThresholds

    lthr = BODY.ride_lthr_bpm if sport == "ride" else BODY.lthr_bpm
    speed = BODY.css_mps if sport == "swim" else BODY.threshold_speed_mps
    zones = {
        "hr": tuple((z.low, z.high or math.inf) for z in hr_zones_from_lthr(lthr)),
        "power": tuple((z.low, z.high or math.inf) for z in power_zones_from_ftp(BODY.ftp_w)),
    }
    thresholds = AthleteThresholds(
        ftp_w=BODY.ftp_w, lthr_bpm=lthr, threshold_speed_mps=speed, zones=zones
    )
    name, text = STRUCTURED[(sport, kind)]
    plan = PlannedSession(name, parse(text, sport=sport), thresholds)
    spec = SessionSpec(day, 0, dt.time(7), Sport(sport), "road", kind, 3600)
    activity = synthetic_activity(
        spec, physiology=BODY, home=HOME, time_zone="Europe/Paris", seed=0, plan=plan
    )
    streams = activity.streams
    result = step_compliance(
        plan.workout,
        sport=sport,
        thresholds=thresholds,
        t_s=streams.time_s,
        hr_bpm=streams.hr_bpm,
        power_w=streams.power_w,
        speed_mps=streams.speed_mps,
        laps=[(lap.start_s, lap.elapsed_s) for lap in activity.laps],
    )
    assert result.method == "laps"
    return [step.hit for step in result.steps if step.intent.value == "active"]


@pytest.mark.parametrize(
    ("sport", "kind"),
    [
        ("run", "intervals"),
        ("run", "tempo"),
        ("ride", "intervals"),
        ("ride", "tempo"),
        ("swim", "intervals"),
        ("swim", "tempo"),
    ],
)
def test_a_structured_session_hits_every_step_but_now_and_then_one_faded_rep(
    sport: str, kind: str
) -> None:
    sessions = [_followed(sport, kind, FIRST + dt.timedelta(weeks=week)) for week in range(6)]

    for hits in sessions:
        assert hits and None not in hits
        assert hits.count(False) <= 1  # only the faded rep misses
    assert any(False not in hits for hits in sessions)
    assert any(False in hits for hits in sessions)
    assert _followed(sport, kind, FIRST) == sessions[0]  # deterministic
