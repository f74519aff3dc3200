"""The metrics reference (page `metrics_reference` and docs/metrics.md): who may read it, that it
lists every registry metric, and that every worked-example number is what our functions return."""

from __future__ import annotations

import datetime as dt
import html
from pathlib import Path

import numpy as np
import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from analytics.metrics import (
    decoupling,
    disteq,
    efforts,
    heart,
    load,
    meanmax,
    pmc,
    power,
    prep,
    rpe,
    running,
    volume,
    zones,
)
from analytics.metrics.registry import METRICS
from analytics.views import REGISTRY_STRINGS, SECTION_KEYS
from athletes.models import Athlete, User

DOCS = Path(settings.BASE_DIR) / "docs" / "metrics.md"
# Unit symbols shown as they are in every language; any other unit word needs a translation.
SI_SYMBOLS = {"", "s", "m", "km", "W", "bpm", "m/s", "spm", "%"}


@pytest.fixture
def page(client: Client, athlete: Athlete) -> str:
    """The reference page as the athlete reads it, entities decoded."""
    client.force_login(athlete.user)
    response = client.get(reverse("metrics_reference"))
    assert response.status_code == 200
    return html.unescape(response.content.decode())


def _square_wave_w() -> np.ndarray:
    """1 h of 1 min at 300 W then 1 min at 100 W, at 1 Hz."""
    return np.tile(np.concatenate([np.full(60, 300.0), np.full(60, 100.0)]), 30)


def _exponential_average_w(power_w: np.ndarray, tau_s: float) -> np.ndarray:
    """Strava/Skiba smoothing (25 s exponentially weighted average), as the reference test."""
    k = 1 - np.exp(-1 / tau_s)
    out, level = np.empty_like(power_w), 0.0
    for i, value in enumerate(power_w.tolist()):
        level += k * (value - level)
        out[i] = level
    return out


def _preparation_lines() -> list[str]:
    grid = prep.resample_1hz(np.array([0, 1, 2, 3, 20, 21, 22.0]), np.full(7, 3.0))
    filled = prep.resample_1hz(np.array([0, 2, 4.0]), np.array([100, 200, 300.0]))
    masked = prep.mask_implausible_run_pace(np.array([8.0, 3.0, 0.4]))
    assert np.isnan(masked[0]) and masked[1] == 3.0 and np.isnan(masked[2])
    segments = int(grid.segment.max()) + 1
    values = ", ".join(f"{v:g}" for v in filled.channels[0])
    return [f"grid = {len(grid)} samples, segments = {segments}", f"1 Hz grid = {values} W"]


def _power_lines() -> list[str]:
    np_w = power.normalized_power(np.full(3600, 200.0))
    square_np_w = power.normalized_power(_square_wave_w())
    strava_w = float(np.mean(_exponential_average_w(_square_wave_w(), 25.0) ** 4) ** 0.25)
    if_ = power.intensity_factor(np_w, 250.0)
    square_if = power.intensity_factor(square_np_w, 250.0)
    tss = power.training_stress_score(3600, np_w, 250.0)
    square_tss = power.training_stress_score(3600, square_np_w, 250.0)
    assert np_w and if_ and tss and square_np_w and square_if and square_tss
    return [
        f"NP = {np_w:.1f} W",
        f"IF = 200 / 250 = {if_:.2f}",
        f"= {tss:.1f}",
        f"NP = {square_np_w:.1f} W, IF = {square_if:.2f}, TSS = {square_tss:.1f}",
        f"on the same samples: {strava_w:.1f} W",
        f"variability index = NP / average = {square_np_w / _square_wave_w().mean():.2f}",
    ]


def _running_lines() -> list[str]:
    up, down, flat = running.minetti_cost(np.array([0.1, -0.1, 0.0])).tolist()
    graded = running.graded_speed(np.array([3.0, 3.0]), np.array([0.1, -0.1])).tolist()
    score = running.rtss(3600, 3.5, 4.0)
    assert score is not None
    return [
        f"C(+0.10) = {up:.3f} J/kg/m, C(-0.10) = {down:.3f} J/kg/m, C(0) = {flat:g} J/kg/m",
        f"graded speed = {graded[0]:.2f} m/s; on -10 % -> {graded[1]:.2f} m/s",
        f"IF = {3.5 / 4.0:.3f}, rTSS = {score:.1f}",
    ]


def _heart_lines() -> list[str]:
    people = {"hr_rest_bpm": 50.0, "hr_max_bpm": 190.0}
    male = heart.trimp(np.full(45 * 60, 150.0), sex="M", **people)
    female = heart.trimp(np.full(45 * 60, 150.0), sex="F", **people)
    hour = heart.trimp(np.full(3600, 170.0), sex="M", **people)
    hr_tss = heart.hr_tss(male, lthr_bpm=170.0, sex="M", **people)
    assert male and female and hour and hr_tss
    return [
        f"= {100 / 140:.3f}",
        f"e^(1.92 * 0.714) = {male:.1f}",
        f"e^(1.67 * 0.714) = {female:.1f}",
        f"TRIMP = {hour:.1f}, so hrTSS = {male:.1f} / {hour:.1f} * 100 = {hr_tss:.1f}",
    ]


def _rpe_and_load_lines() -> list[str]:
    week = [360.0, 0.0, 300.0, 0.0, 450.0, 200.0, 0.0]
    monotony, strain = rpe.weekly_monotony(week), rpe.weekly_strain(week)
    hr_based = load.activity_load(model="auto", hr_tss=55.0, rpe=6, duration_s=3600)
    by_rpe = load.activity_load(model="auto", rpe=5, duration_s=3600)
    by_srpe = load.activity_load(model="srpe", rpe=6, duration_s=3600)
    assert monotony and strain and hr_based and by_rpe and by_srpe
    return [
        f"sRPE = {rpe.srpe(6, 3600):g}",
        f"total = {sum(week):g}, monotony = {monotony:.2f}, strain = {strain:.1f}",
        f"load = {hr_based.value:.1f} (source {hr_based.source})",
        f"load = {by_rpe.value:.1f} (source {by_rpe.source})",
        f"load = {by_srpe.value:.1f} (source {by_srpe.source})",
    ]


def _disteq_lines() -> list[str]:
    cases = [("run", 20000, 1000, "trail run 20 km with 1000 m ascent")]
    cases += [("ride", 100000, 1500, "ride 100 km with 1500 m ascent")]
    cases += [("ski", 15000, 400, "ski 15 km with 400 m ascent")]
    lines = []
    for sport, distance_m, ascent_m, text in cases:
        km = disteq.distance_equivalent_km(sport=sport, distance_m=distance_m, ascent_m=ascent_m)
        assert km is not None
        lines.append(f"{text} -> {km:.1f} km-eq")
    return lines


def _pmc_lines() -> list[str]:
    single = pmc.fitness_fatigue(np.array([100.0, 0.0]))
    steady = pmc.fitness_fatigue(np.full(42, 100.0))
    rest = pmc.forecast(np.full(42, 100.0), np.zeros(7))
    ratio = pmc.acute_chronic(np.concatenate([np.full(21, 50.0), np.full(7, 80.0)]))
    band = pmc.acwr_band(ratio.acwr[-1:])[0]
    return [
        f"k(42) = {pmc.decay_constant(42):.4f}, k(7) = {pmc.decay_constant(7):.4f}",
        f"Fitness = {single.fitness[0]:.2f}, Fatigue = {single.fatigue[0]:.2f}, "
        f"next day's Form = {single.form[1]:.2f}",
        f"Fitness = {steady.fitness[-1]:.1f}, Fatigue = {steady.fatigue[-1]:.1f}, "
        f"Form = {steady.form[-1]:.1f}",
        f"Fitness = {rest.fitness[-1]:.1f}, Fatigue = {rest.fatigue[-1]:.1f}, "
        f"Form on its last day = {rest.form[-1]:.1f}",
        f"acute = {ratio.acute[-1]:.1f}, chronic = {ratio.chronic[-1]:.1f}, "
        f"ACWR = {ratio.acwr[-1]:.2f} ({band})",
    ]


def _decoupling_lines() -> list[str]:
    hr_bpm = np.concatenate([np.full(600, 130.0), np.full(1800, 140.0), np.full(1800, 147.0)])
    result = decoupling.decoupling(np.full(4200, 3.0), hr_bpm)
    laps_hr = np.concatenate([np.full(1000, 140.0), np.full(1000, 143.0), np.full(1000, 147.0)])
    laps = decoupling.split_decoupling(np.full(3000, 3.0), laps_hr, [0, 1000, 2000])
    ef_ride = decoupling.efficiency_factor(np.full(3600, 200.0), np.full(3600, 140.0), kind="power")
    per_beat = decoupling.metres_per_beat(np.full(10, 3.0), np.full(10, 150.0))
    assert result.steady and result.ef_first and result.ef_second and result.decoupling_pct
    assert ef_ride and per_beat and all(lap.decoupling_pct is not None for lap in laps)
    lap_pcts = ", ".join(f"{lap.decoupling_pct:.2f} %" for lap in laps)
    return [
        f"EF1 = 3.0 / 140 = {result.ef_first:.4f}, EF2 = 3.0 / 147 = {result.ef_second:.4f}",
        f"decoupling = {result.decoupling_pct:.2f} %, steady",
        f"decoupling {lap_pcts} against the first lap",
        f"EF = {ef_ride:.2f}",
        f"metres per beat = 3.0 * 60 / 150 = {per_beat:.2f} m",
    ]


def _zone_lines() -> list[str]:
    times = np.array([0, 1, 2, 3, 4, 30, 31.0])
    hr_bpm = np.array([110, 125, 150, 150, 165, 180, 180.0])
    durations = zones.sample_durations_s(times)
    seconds = zones.time_in_zones(hr_bpm, durations, [120, 140, 160, 175])
    laps = zones.time_in_zones_from_laps([135, 155], [600, 1200], [120, 140, 160, 175])
    return [
        "durations = " + ", ".join(f"{d:g}" for d in durations[:4]),
        f"Z1..Z5 = {', '.join(f'{s:g}' for s in seconds)} s (total {seconds.sum():g} s)",
        f"Z2 = {laps[1]:g} s, Z3 = {laps[2]:g} s",
    ]


def _mean_max_lines() -> list[str]:
    ride_w = np.concatenate([np.full(600, 200.0), np.full(300, 350.0), np.full(900, 180.0)])
    best = meanmax.mean_max(ride_w, [1, 300, 600, 1200, 1800]).tolist()
    names = ["1 s", "5 min", "10 min", "20 min", "30 min"]
    curve = ", ".join(
        f"MM({name}) = {value:.1f} W" for name, value in zip(names, best, strict=True)
    )
    hour, six = meanmax.meanmax_durations(3600).size, meanmax.meanmax_durations(6 * 3600).size
    small = meanmax.mean_max(np.array([5, 0, 5.0]), [2, 3]).tolist()
    return [
        curve,
        f"durations stored: {hour} for a 1 h activity, {six} for 6 h",
        f"the best 2 s is {small[0]:g} W but the best 3 s is {small[1]:.2f} W",
    ]


def _best_effort_lines() -> list[str]:
    time_s = np.arange(0, 1801, 1.0)
    speed_mps = np.where((time_s >= 600) & (time_s < 900), 5.0, 4.0)
    distance_m = np.concatenate([[0.0], np.cumsum(speed_mps[:-1])])
    best = efforts.best_efforts(distance_m, time_s)
    shown = {400.0: "400 m", 1000.0: "1 km", efforts.METRES_PER_MILE: "1 mile", 5000.0: "5 km"}
    assert best[10000.0] is None and all(best[d] is not None for d in shown)
    parts = ", ".join(f"{name} = {best[d]:.1f} s" for d, name in shown.items())
    return [f"{parts}, 10 km: none ({distance_m[-1] / 1000:g} km run)"]


def _worked_example_lines() -> list[str]:
    return [
        *_preparation_lines(),
        *_power_lines(),
        *_running_lines(),
        *_heart_lines(),
        *_rpe_and_load_lines(),
        *_disteq_lines(),
        *_pmc_lines(),
        *_decoupling_lines(),
        *_zone_lines(),
        *_mean_max_lines(),
        *_best_effort_lines(),
    ]


def test_anonymous_visitor_is_sent_to_the_login_page(client: Client, db: None) -> None:
    response = client.get(reverse("metrics_reference"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_the_page_lives_at_metrics(db: None) -> None:
    assert reverse("metrics_reference") == "/metrics/"


def test_logged_in_athlete_sees_every_registry_metric_key_and_label(page: str) -> None:
    missing = [
        metric.key
        for metric in METRICS.values()
        if f"<code>{metric.key}</code>" not in page or metric.label not in page
    ]
    assert missing == []


def test_the_table_shows_each_metrics_unit_aggregation_and_sports(page: str) -> None:
    assert (
        "<td><code>np_w</code></td>\n        <td>Normalized power</td>\n        <td>W</td>" in page
    )
    assert "Mean weighted by moving time" in page
    assert "Value on the last day" in page
    row = page.split("<code>rtss</code>", 1)[1].split("</tr>", 1)[0]
    assert "Run, Hike" in row and "Ride" not in row


def test_any_logged_in_user_may_read_it_coaches_and_staff_too(
    client: Client, coach: User, staff: User
) -> None:
    for user in (coach, staff):
        client.force_login(user)
        assert client.get(reverse("metrics_reference")).status_code == 200


def test_the_page_answers_get_only(client: Client, athlete: Athlete) -> None:
    client.force_login(athlete.user)
    assert client.post(reverse("metrics_reference")).status_code == 405


def test_every_section_documents_registered_keys_with_the_registrys_unit(page: str) -> None:
    documented = {key for keys in SECTION_KEYS.values() for key in keys}
    assert documented <= set(METRICS)
    assert "<code>np_w</code> (W)" in page
    assert "<code>dist_eq_km</code> (km)" in page


@pytest.mark.parametrize("line", _worked_example_lines())
def test_worked_example_numbers_on_the_page_are_what_our_functions_return(
    page: str, line: str
) -> None:
    assert line in page


@pytest.mark.parametrize("line", _worked_example_lines())
def test_worked_example_numbers_in_the_docs_are_what_our_functions_return(line: str) -> None:
    assert line in DOCS.read_text(encoding="utf-8")


def test_the_weekly_volume_example_in_the_docs_is_what_our_functions_return() -> None:
    km = np.full(9, 10.0)
    rate = volume.load_rate(km * np.array([5, 6, 7, 7.5, 8, 8.5, 9, 10, 12.0]), km)
    days = [dt.date(2026, 3, 2) + dt.timedelta(days=n) for n in range(7)]
    loads = volume.volume_plan_loads(days, weekly_volume=40.0, rate=6.0, weekdays=(1, 3, 5, 6))
    assert rate is not None
    docs = DOCS.read_text(encoding="utf-8")
    assert f"give a median of {rate.median:g} (p25 {rate.p25:g}, p75 {rate.p75:g})" in docs
    assert f"at 6 points per km is {loads[1]:g} points on each of those days" in docs


def test_the_hand_computed_np_of_the_square_wave_is_close_to_ours() -> None:
    ramp_mean_fourth = (300.0**5 - 100.0**5) / (5 * 200)
    by_hand_w = ((30 * 300.0**4 + 30 * 100.0**4 + 60 * ramp_mean_fourth) / 120) ** 0.25
    assert power.normalized_power(_square_wave_w()) == pytest.approx(by_hand_w, rel=0.002)
    assert f"NP ≈ {by_hand_w:.0f} W" in DOCS.read_text(encoding="utf-8")


def test_every_registry_label_is_marked_for_translation() -> None:
    words = {metric.label for metric in METRICS.values()}
    words |= {metric.unit for metric in METRICS.values()} - SI_SYMBOLS
    assert words - set(REGISTRY_STRINGS) == set()
