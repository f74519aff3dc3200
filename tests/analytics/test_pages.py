"""The analytics pages as a viewer reads them: the activity's metrics section, the fitness page
and the curves & records page show the stored numbers, with registry labels and units, and cost
the same number of queries whatever the number of activities or days."""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from typing import Any

import numpy as np
import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from analytics.display.activity import MAX_POLLS
from analytics.metrics import pmc
from analytics.selectors import fitness_get, season_curves
from athletes.models import Athlete, User
from tests.analytics import builders as b
from tests.analytics.builders import DAY, TODAY
from tests.factories import GoalFactory, ThresholdsFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _frozen_now() -> Iterator[None]:
    with time_machine.travel(b.NOW, tick=False):
        yield


@pytest.fixture
def client_of(client: Client) -> Any:
    def log_in(user: User) -> Client:
        client.force_login(user)
        return client

    return log_in


def page(client: Client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return html.unescape(response.content.decode())


# --- the activity's metrics section -------------------------------------------------------------


def _detail(athlete: Athlete, activity_id: int) -> str:
    return reverse("activity_detail", args=(athlete.id, activity_id))


def test_activity_page_shows_the_stored_metrics_with_registry_labels_units_and_links(
    athlete: Athlete, client_of: Any
) -> None:
    ride = b.activity(athlete, TODAY - DAY, sport="ride")
    b.metrics(
        ride, np_w=245.4, intensity_factor=0.8512, tss=87.6, load=87.6, load_source="tss",
        trimp=120.2, dist_eq_km=10.34, decoupling_pct=3.21, efficiency_factor=1.524,
    )  # fmt: skip

    text = page(client_of(athlete.user), _detail(athlete, ride.id))

    assert '<a href="/metrics/#power">Normalized power</a>' in text
    assert "245 W" in text
    assert "0.85" in text
    assert "88 points" in text
    assert "from Training stress score" in text
    assert '<a href="/metrics/#load">Training load</a>' in text
    assert "120 points" in text
    assert "10.3 km" in text
    assert '<a href="/metrics/#decoupling">Aerobic decoupling</a>' in text
    assert "3.2 %" in text
    assert "1.52 W/bpm" in text  # power ÷ heart rate on a ride


def test_a_runners_intensity_factor_links_to_the_running_section(
    athlete: Athlete, client_of: Any
) -> None:
    run = b.activity(athlete, TODAY - DAY)
    b.metrics(run, intensity_factor=0.9, rtss=70.0, load=70.0, load_source="rtss")

    text = page(client_of(athlete.user), _detail(athlete, run.id))

    assert '<a href="/metrics/#running">Intensity factor</a>' in text
    assert "from Running training stress score" in text


def test_an_unsteady_effort_reads_not_steady_instead_of_a_decoupling(
    athlete: Athlete, client_of: Any
) -> None:
    run = b.activity(athlete, TODAY - DAY)
    b.metrics(run, efficiency_factor=0.0192, decoupling_pct=None)

    text = page(client_of(athlete.user), _detail(athlete, run.id))

    assert "Aerobic decoupling</a></dt>\n          <dd>not steady</dd>" in text
    assert "1.15 m/beat" in text  # 0.0192 m/s per bpm: 1.15 metres per heartbeat


def test_time_in_zone_bars_carry_the_athletes_zone_names_ranges_times_and_shares(
    athlete: Athlete, client_of: Any
) -> None:
    ThresholdsFactory(athlete=athlete, lthr_bpm=172)  # Friel zones: 85 % of 172 = 146.2 bpm
    run = b.activity(athlete, TODAY - DAY)
    b.metrics(run, time_in_zone_s={"hr": [600, 1200, 1200, 0, 0, 0, 0], "source": "streams"})

    text = page(client_of(athlete.user), _detail(athlete, run.id))

    assert '<a href="/metrics/#zones">Time in zone</a>' in text
    assert 'Z1<span class="zone-range">< 146 bpm</span>' in text
    assert 'Z2<span class="zone-range">146–155 bpm</span>' in text
    assert '<td class="num">10:00</td>' in text
    assert '<td class="num muted">20 %</td>' in text
    assert '<td class="num muted">40 %</td>' in text
    assert '<rect class="zone-2" width="40.0" height="1"/>' in text


def test_zones_from_laps_say_so(athlete: Athlete, client_of: Any) -> None:
    ThresholdsFactory(athlete=athlete)
    run = b.activity(athlete, TODAY - DAY)
    b.metrics(run, time_in_zone_s={"hr": [0, 1800, 0, 0, 0, 0, 0], "source": "lap"})

    assert "from laps" in page(client_of(athlete.user), _detail(athlete, run.id))


def test_mean_max_curves_and_best_efforts_show_the_stored_values(
    athlete: Athlete, client_of: Any
) -> None:
    run = b.activity(athlete, TODAY - DAY)
    b.metrics(
        run,
        mean_max={"power_w": b.curve({1: 400.0, 2: 380.0, 5: 350.0, 60: 300.0, 300: 260.0})},
        best_efforts_s={"1000": 250.0, "1609.34": 420.0},
    )

    text = page(client_of(athlete.user), _detail(athlete, run.id))

    assert '<a href="/metrics/#mean-max">Mean-max power</a>' in text
    assert text.count('class="chart chart-wide chart-curve curve-power_w"') == 1
    assert text.count('class="chart chart-narrow chart-curve curve-power_w"') == 1
    for duration, value in (("5 s", "350 W"), ("1 min", "300 W"), ("5 min", "260 W")):
        assert f'<td>{duration}</td>\n              <td class="num">{value}</td>' in text
    assert '<td>1 km</td><td class="num">4:10</td><td class="num">4:10 /km</td>' in text
    # 1609.344 m in 420 s: 260.97 s per km
    assert '<td>1 mile</td><td class="num">7:00</td><td class="num">4:21 /km</td>' in text


def _y_ticks(text: str, channel: str) -> list[str]:
    svg = text.split(f'chart-wide chart-curve curve-{channel}"', 1)[1].split("</svg>", 1)[0]
    return re.findall(r'<text class="tick-y"[^>]*>([^<]*)</text>', svg)


def test_a_rides_speed_curve_is_drawn_in_km_h_like_its_table(
    athlete: Athlete, client_of: Any
) -> None:
    ride = b.activity(athlete, TODAY - DAY, sport="ride")
    b.metrics(ride, mean_max={"speed_mps": b.curve({5: 12.0, 60: 10.0, 300: 8.0, 3600: 7.5})})

    text = page(client_of(athlete.user), _detail(athlete, ride.id))

    assert '<small class="muted">(km/h)</small>' in text
    assert '<td>5 s</td>\n              <td class="num">43.2 km/h</td>' in text
    ticks = [float(t.replace("\u2212", "-")) for t in _y_ticks(text, "speed_mps")]
    assert min(ticks) <= 27 and max(ticks) >= 43  # 7.5–12 m/s drawn as 27–43.2 km/h


def test_a_runs_speed_curve_is_drawn_as_a_pace_like_its_table(
    athlete: Athlete, client_of: Any
) -> None:
    run = b.activity(athlete, TODAY - DAY)
    b.metrics(run, mean_max={"speed_mps": b.curve({5: 6.0, 60: 5.0, 300: 4.0, 3600: 3.5})})

    text = page(client_of(athlete.user), _detail(athlete, run.id))

    assert '<small class="muted">(/km)</small>' in text
    assert '<td>5 min</td>\n              <td class="num">4:10 /km</td>' in text
    ticks = _y_ticks(text, "speed_mps")
    assert ticks and all(re.fullmatch(r"\d+:\d\d", t) for t in ticks), ticks


def test_a_key_duration_off_the_one_percent_grid_is_read_at_the_nearest_stored_one(
    athlete: Athlete, client_of: Any
) -> None:
    run = b.activity(athlete, TODAY - DAY)
    b.metrics(run, mean_max={"hr_bpm": b.curve({600: 170.0, 1190: 166.0, 1202: 165.0})})

    text = page(client_of(athlete.user), _detail(athlete, run.id))

    assert '<td>20 min</td>\n              <td class="num">165 bpm</td>' in text


def test_the_metrics_section_polls_itself_until_the_metrics_are_stored(
    athlete: Athlete, client_of: Any
) -> None:
    run = b.activity(athlete, TODAY - DAY)
    client = client_of(athlete.user)
    partial = reverse("activity_metrics", args=(athlete.id, run.id))

    text = page(client, _detail(athlete, run.id))
    assert "Metrics are being computed…" in text
    assert f'hx-get="{partial}?poll=1" hx-trigger="every 3s"' in text

    assert f'hx-get="{partial}?poll=6"' in page(client, f"{partial}?poll=5")

    b.metrics(run, trimp=50.0)
    answered = page(client, f"{partial}?poll=6")
    assert "hx-trigger" not in answered
    assert "50 points" in answered


def test_the_poll_gives_up_after_three_minutes_and_asks_for_a_reload(
    athlete: Athlete, client_of: Any
) -> None:
    run = b.activity(athlete, TODAY - DAY)
    partial = reverse("activity_metrics", args=(athlete.id, run.id))

    text = page(client_of(athlete.user), f"{partial}?poll={MAX_POLLS}")

    assert "hx-trigger" not in text
    assert "Reload the page" in text


def test_an_activity_of_another_athlete_is_not_found_under_ones_own_id(
    athlete: Athlete, other_athlete: Athlete, client_of: Any
) -> None:
    theirs = b.activity(other_athlete, TODAY - DAY)
    b.metrics(theirs, trimp=50.0)
    client = client_of(athlete.user)

    assert client.get(reverse("activity_metrics", args=(athlete.id, theirs.id))).status_code == 404
    assert client.get(_detail(athlete, theirs.id)).status_code == 404


def test_the_metrics_section_costs_the_same_queries_with_every_kind_of_zone(
    athlete: Athlete, client_of: Any, django_assert_max_num_queries: Any
) -> None:
    ThresholdsFactory(athlete=athlete, ftp_w=250)
    run = b.activity(athlete, TODAY - DAY)
    zones = {"hr": [60.0] * 7, "power": [60.0] * 7, "pace": [60.0] * 6, "source": "streams"}
    b.metrics(run, time_in_zone_s=zones, mean_max={"hr_bpm": b.curve({1: 150.0})})
    client = client_of(athlete.user)

    with django_assert_max_num_queries(13):  # + the thresholds behind the load (its note)
        page(client, reverse("activity_metrics", args=(athlete.id, run.id)))


# --- the fitness page -----------------------------------------------------------------------------


def _fitness(athlete: Athlete, query: str = "") -> str:
    return reverse("fitness", args=(athlete.id,)) + query


ALTERNATE = [50.0 if n % 2 == 0 else 0.0 for n in range(60)]  # 60 days ending today


def _sixty_days(athlete: Athlete) -> list[Any]:
    first = TODAY - 59 * DAY
    fitness = [float(n) for n in range(60)]
    fitness[-1] = 50.4
    fatigue = [float(n) for n in range(60)]
    fatigue[-1] = 65.2
    form = [0.0] * 60
    form[-1] = -12.6
    return b.days(athlete, first, ALTERNATE, fitness=fitness, fatigue=fatigue, form=form)


def test_fitness_page_shows_todays_stored_values_and_reads_form_in_words(
    athlete: Athlete, client_of: Any
) -> None:
    _sixty_days(athlete)

    text = page(client_of(athlete.user), _fitness(athlete))

    assert '<h2 id="fitness-today">Today</h2>' in text
    for label, value in (
        ("Fitness", "50 points"),
        ("Fatigue", "65 points"),
        ("Form", "-13 points"),
    ):
        assert f"{label}</a></dt>\n          <dd>{value}</dd>" in text
    assert "Productive training: the fatigue you carry is building fitness." in text


def test_fitness_page_shows_acute_chronic_and_acwr_as_pmc_computes_them(
    athlete: Athlete, client_of: Any
) -> None:
    _sixty_days(athlete)
    ratios = pmc.acute_chronic(np.array(ALTERNATE))
    # By hand: 3 sessions of 50 in the last 7 days, 14 in the last 28.
    assert ratios.acute[-1] == pytest.approx(150 / 7)
    assert ratios.chronic[-1] == pytest.approx(25.0)

    text = page(client_of(athlete.user), _fitness(athlete))

    assert "Acute load (7 days)</a></dt>\n          <dd>21 points</dd>" in text
    assert "Chronic load (28 days)</a></dt>\n          <dd>25 points</dd>" in text
    assert "workload ratio</a></dt>\n          <dd>0.86</dd>" in text
    assert "0.8 to 1.3: this week's load matches what you are used to." in text


def test_the_weekly_table_sums_the_load_and_keeps_each_weeks_last_state(
    athlete: Athlete, client_of: Any
) -> None:
    monday = TODAY - TODAY.weekday() * DAY  # Monday 16 March 2026
    b.days(
        athlete, monday - 7 * DAY, [10.0] * 7 + [20.0] * 5, fitness=[float(n) for n in range(12)]
    )

    fitness = fitness_get(viewer=athlete.user, athlete=athlete, today=TODAY, span_days=42)

    assert fitness is not None
    this_week, last_week = fitness.weeks
    assert (this_week.start, this_week.load, this_week.fitness) == (monday, 100.0, 11.0)
    assert (last_week.start, last_week.load, last_week.fitness) == (monday - 7 * DAY, 70.0, 6.0)


def test_a_range_shows_its_days_and_reads_the_28_days_before_it_for_the_chronic_load(
    athlete: Athlete,
) -> None:
    loads = [float(n % 5) * 10 for n in range(90)]
    b.days(athlete, TODAY - 89 * DAY, loads)

    fitness = fitness_get(viewer=athlete.user, athlete=athlete, today=TODAY, span_days=42)

    assert fitness is not None
    assert fitness.days[0] == TODAY - 41 * DAY
    assert fitness.days[-1] == TODAY
    expected = pmc.acute_chronic(np.array(loads)).chronic[-42:]
    assert fitness.chronic == pytest.approx(expected.tolist())
    assert not np.isnan(fitness.chronic[0])


def test_the_forecast_projects_todays_values_over_the_planned_loads_with_pmc(
    athlete: Athlete, client_of: Any
) -> None:
    _sixty_days(athlete)
    b.planned(athlete, {TODAY + DAY: 100.0, TODAY + 3 * DAY: 80.0, TODAY + 40 * DAY: 90.0})
    planned = np.zeros(28)
    planned[[0, 2]] = [100.0, 80.0]
    expected = pmc.forecast(np.zeros(0), planned, ctl0=50.4, atl0=65.2)

    fitness = fitness_get(viewer=athlete.user, athlete=athlete, today=TODAY, span_days=91)
    text = page(client_of(athlete.user), _fitness(athlete))

    assert fitness is not None and fitness.forecast is not None
    assert fitness.forecast.days == [TODAY + n * DAY for n in range(1, 29)]
    assert fitness.forecast.fitness == pytest.approx(expected.fitness.tolist())
    assert fitness.forecast.form == pytest.approx(expected.form.tolist())
    week = (
        f'<td>Fri 27 Mar 2026</td><td class="num">180</td>'
        f'<td class="num">{expected.fitness[6]:.0f}</td>'
        f'<td class="num">{expected.fatigue[6]:.0f}</td>'
    )
    assert week in text
    assert 'class="line line-fitness dashed"' in text
    assert 'class="bar bar-planned"' in text


def test_no_forecast_is_drawn_without_planned_sessions(athlete: Athlete, client_of: Any) -> None:
    _sixty_days(athlete)

    text = page(client_of(athlete.user), _fitness(athlete))

    assert "dashed" not in text
    assert "Forecast" not in text


def test_values_of_an_earlier_day_are_labelled_with_that_day(
    athlete: Athlete, client_of: Any
) -> None:
    b.days(athlete, TODAY - 10 * DAY, [40.0] * 8)

    text = page(client_of(athlete.user), _fitness(athlete))

    assert "Latest values (Tue 17 Mar 2026)" in text


def test_fitness_page_without_activities_says_so(athlete: Athlete, client_of: Any) -> None:
    text = page(client_of(athlete.user), _fitness(athlete))

    assert "No activities yet" in text
    assert "<svg" not in text


def test_fitness_page_with_activities_but_no_daily_load_yet_says_it_is_computing(
    athlete: Athlete, client_of: Any
) -> None:
    b.activity(athlete, TODAY)

    assert "Fitness is being computed" in page(client_of(athlete.user), _fitness(athlete))


def test_an_unknown_range_falls_back_to_three_months(athlete: Athlete, client_of: Any) -> None:
    _sixty_days(athlete)

    text = page(client_of(athlete.user), _fitness(athlete, "?range=nonsense"))

    assert '<a href="?range=3m" aria-current="page">3 months</a>' in text


@pytest.mark.parametrize("count", [30, 400])
def test_fitness_page_costs_the_same_queries_for_a_month_or_a_year_of_days(
    count: int, athlete: Athlete, client_of: Any, django_assert_max_num_queries: Any
) -> None:
    b.days(athlete, TODAY - (count - 1) * DAY, [30.0] * count)
    b.planned(athlete, {TODAY + DAY: 50.0})
    GoalFactory(athlete=athlete, priority="A", race_on=TODAY + 90 * DAY, weekly_distance_m=40e3)
    client = client_of(athlete.user)

    # the A race and the calibration of its volume plan; thresholds assumed: first rows, days
    with django_assert_max_num_queries(11):
        page(client, _fitness(athlete, "?range=all"))


def test_a_range_over_a_year_draws_one_load_bar_per_week(athlete: Athlete, client_of: Any) -> None:
    first = TODAY - 399 * DAY  # 400 days: Friday 14 February 2025 to Friday 20 March 2026
    b.days(athlete, first, [30.0] * 400)

    text = page(client_of(athlete.user), _fitness(athlete, "?range=all"))

    weeks = 58  # Fri-Sun of a first week, 56 whole weeks, Mon-Fri of this one: 3 + 392 + 5
    assert text.count('<rect class="bar"') == 2 * weeks  # wide and narrow
    assert "<title>Week of Mon 16 Mar 2026: 150 points</title>" in text
    assert "<title>Week of Mon 10 Feb 2025: 90 points</title>" in text


def test_a_coach_reads_the_athletes_fitness_page(
    athlete: Athlete, coach: User, client_of: Any
) -> None:
    _sixty_days(athlete)

    assert "50 points" in page(client_of(coach), _fitness(athlete))


# --- curves and records ---------------------------------------------------------------------------


def _records(athlete: Athlete, query: str = "") -> str:
    return reverse("records", args=(athlete.id,)) + query


def test_a_season_curve_is_the_pointwise_best_and_names_the_activity_holding_each_point(
    athlete: Athlete, client_of: Any
) -> None:
    first = b.activity(athlete, TODAY - 10 * DAY, sport="ride", name="Sprints")
    second = b.activity(athlete, TODAY - 5 * DAY, sport="ride", name="Long ride")
    b.metrics(first, mean_max={"power_w": b.curve({1: 500.0, 2: 400.0, 5: 300.0})})
    b.metrics(second, mean_max={"power_w": b.curve({1: 450.0, 2: 420.0, 5: 310.0, 10: 250.0})})

    (curve,) = season_curves(viewer=athlete.user, athlete=athlete, sport="ride", since=None)
    text = page(client_of(athlete.user), _records(athlete))

    assert curve.channel == "power_w"
    assert curve.durations_s == [1, 2, 5, 10]
    assert curve.values == [500.0, 420.0, 310.0, 250.0]
    assert [h.activity_id if h else None for h in curve.holders] == [
        first.id,
        second.id,
        second.id,
        second.id,
    ]
    link = reverse("activity_detail", args=(athlete.id, second.id))
    assert (
        f'<td>5 s</td>\n              <td class="num">310 W</td>\n'
        f'              <td class="set-in"><a href="{link}">Sun 15 Mar 2026</a>'
    ) in text
    assert f'<a href="{link}"><circle class="marker"' in text


def test_a_tie_keeps_the_earlier_activity(athlete: Athlete) -> None:
    first = b.activity(athlete, TODAY - 10 * DAY, sport="ride")
    second = b.activity(athlete, TODAY - 5 * DAY, sport="ride")
    for ride in (second, first):
        b.metrics(ride, mean_max={"hr_bpm": b.curve({1: 180.0})})

    (curve,) = season_curves(viewer=athlete.user, athlete=athlete, sport="ride", since=None)

    assert curve.holders[0] is not None and curve.holders[0].activity_id == first.id


def test_the_season_leaves_out_older_activities_and_all_time_takes_them(
    athlete: Athlete, client_of: Any
) -> None:
    old = b.activity(athlete, TODAY - 200 * DAY, sport="ride")
    recent = b.activity(athlete, TODAY - 3 * DAY, sport="ride")
    b.metrics(old, mean_max={"power_w": b.curve({1: 900.0, 5: 700.0})})
    b.metrics(recent, mean_max={"power_w": b.curve({1: 600.0, 5: 500.0})})
    client = client_of(athlete.user)

    assert '<td class="num">500 W</td>' in page(client, _records(athlete, "?season=90d"))
    assert '<td class="num">700 W</td>' in page(client, _records(athlete, "?season=all"))
    year = page(client, _records(athlete, "?season=year"))  # 1 January 2026 on
    assert '<td class="num">500 W</td>' in year


def test_the_sport_picker_defaults_to_the_sport_with_most_activities(
    athlete: Athlete, client_of: Any
) -> None:
    for n in range(2):
        b.metrics(
            b.activity(athlete, TODAY - n * DAY, sport="run"),
            mean_max={"speed_mps": b.curve({5: 5.0})},
        )
    b.metrics(b.activity(athlete, TODAY, sport="ride"), mean_max={"speed_mps": b.curve({5: 15.0})})
    client = client_of(athlete.user)

    text = page(client, _records(athlete))
    assert '<a href="?season=90d&sport=run" aria-current="page">Run</a>' in text
    assert "3:20 /km" in text  # 5 m/s
    assert "54.0 km/h" in page(client, _records(athlete, "?sport=ride"))


def _record_cell(time: str, pace: str, url: str) -> str:
    return f'<strong>{time}</strong> <span class="muted">{pace}</span></span><br><a href="{url}">'


def test_personal_records_take_the_fastest_effort_and_whole_runs_within_five_percent(
    athlete: Athlete, client_of: Any
) -> None:
    ten = b.activity(athlete, TODAY - 20 * DAY, distance_m=10300.0, elapsed_s=2600.0, name="10K")
    five = b.activity(athlete, TODAY - 10 * DAY, distance_m=5100.0, elapsed_s=1230.0, name="5K")
    b.metrics(ten, best_efforts_s={"5000": 1200.0, "10000": 2500.0})
    b.metrics(five, best_efforts_s={"5000": 1210.0})

    text = page(client_of(athlete.user), _records(athlete))

    ten_url = reverse("activity_detail", args=(athlete.id, ten.id))
    five_url = reverse("activity_detail", args=(athlete.id, five.id))
    # 5 km: the best effort is inside the 10K (20:00); the whole 5.1 km run, scaled to 5 km,
    # is 1230 × 5000 / 5100 = 1205.9 s.
    assert _record_cell("20:00", "4:00 /km", ten_url) in text
    assert _record_cell("20:06", "4:01 /km", five_url) in text
    assert "20:30 for 5.1 km" in text
    # 10 km: 2600 × 10000 / 10300 = 2524.3 s for the whole run.
    assert "<strong>42:04</strong>" in text
    assert "43:20 for 10.3 km" in text


def test_records_page_without_curves_or_records_says_so(athlete: Athlete, client_of: Any) -> None:
    text = page(client_of(athlete.user), _records(athlete))

    assert "No curves in this period yet" in text
    assert "No records yet" in text


@pytest.mark.parametrize("count", [3, 30])
def test_records_page_costs_the_same_queries_for_few_or_many_activities(
    count: int, athlete: Athlete, client_of: Any, django_assert_max_num_queries: Any
) -> None:
    for n in range(count):
        run = b.activity(athlete, TODAY - n * DAY)
        curve = b.curve({1: 5.0 + n / 100, 60: 4.5, 600: 4.0})
        b.metrics(
            run, mean_max={"speed_mps": curve, "hr_bpm": curve}, best_efforts_s={"1000": 240.0 + n}
        )
    client = client_of(athlete.user)

    with django_assert_max_num_queries(8):
        page(client, _records(athlete))


# --- links --------------------------------------------------------------------------------------


def test_athlete_overview_and_own_navigation_link_to_fitness_and_records(
    athlete: Athlete, client_of: Any
) -> None:
    text = page(client_of(athlete.user), reverse("athlete_detail", args=(athlete.id,)))

    for name in ("fitness", "records"):
        assert text.count(f'href="{reverse(name, args=(athlete.id,))}"') >= 2  # page + nav
