"""The Wellness page: charts, flags and recent days for the athlete; coaches only while the
athlete shares; the sharing switch."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from athletes.models import Athlete, User, WellnessDay
from athletes.services.wellness import wellness_sharing_set

TODAY = dt.date(2026, 3, 31)


@pytest.fixture(autouse=True)
def _today() -> Iterator[None]:
    with time_machine.travel(dt.datetime(2026, 3, 31, 10, 0, tzinfo=dt.UTC), tick=False):
        yield


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _month(athlete: Athlete) -> None:
    """30 ordinary days, then a bad night on TODAY (HRV under its band, short poor sleep)."""
    for n in range(30, 0, -1):
        WellnessDay.objects.create(
            athlete=athlete, day=TODAY - dt.timedelta(days=n), hrv_ms=60.0, hrv_weekly_ms=59.0,
            hrv_baseline_low_ms=52.0, hrv_baseline_high_ms=68.0, resting_hr_bpm=48,
            sleep_s=7 * 3600 + 30 * 60, sleep_score=82, sleep_deep_s=5400, sleep_light_s=14400,
            sleep_rem_s=6000, sleep_awake_s=1200, body_battery=90, body_battery_low=25,
            stress=28, weight_kg=70.2, steps=9000,
        )  # fmt: skip
    WellnessDay.objects.create(
        athlete=athlete, day=TODAY, hrv_ms=44.0, hrv_baseline_low_ms=52.0,
        hrv_baseline_high_ms=68.0, resting_hr_bpm=55, sleep_s=5 * 3600, sleep_score=48,
    )  # fmt: skip


def test_the_athlete_sees_charts_flags_and_recent_days(athlete: Athlete) -> None:
    _month(athlete)
    page = _client(athlete.user).get(reverse("wellness", args=[athlete.id]))
    assert page.status_code == 200
    assert "inf" not in page.content.decode().split("<main", 1)[-1].lower().replace("info", "")
    html = page.content.decode()
    for chart in ("hrv-chart", "rhr-chart", "sleep-chart", "scores-chart", "weight-chart"):
        assert f'id="{chart}-wide-title"' in html
    assert 'class="area area-baseline"' in html
    assert 'class="bar bar-deep"' in html
    assert "HRV below baseline" in html and "Resting HR up" in html
    assert "Short sleep" in html and "Poor sleep" in html
    assert "5\u00a0h\u00a000" in html
    assert page.context["page"].flagged_days == 1
    assert len(page.context["page"].rows) == 14
    assert "Share with my coaches" in html


def test_a_coach_gets_403_until_the_athlete_shares_and_again_after_revoking(
    athlete: Athlete, coach: User
) -> None:
    _month(athlete)
    url = reverse("wellness", args=[athlete.id])
    coach_client = _client(coach)
    assert coach_client.get(url).status_code == 403
    wellness_sharing_set(by=athlete.user, athlete=athlete, shared=True)
    shared = coach_client.get(url)
    assert shared.status_code == 200
    assert "HRV below baseline" in shared.content.decode()
    assert "Stop sharing" not in shared.content.decode()  # the switch is the athlete's
    assert "has shared their wellness with their coaches since" in shared.content.decode()
    wellness_sharing_set(by=athlete.user, athlete=athlete, shared=False)
    assert coach_client.get(url).status_code == 403


def test_the_athlete_flips_the_switch_on_the_page(athlete: Athlete, coach: User) -> None:
    client = _client(athlete.user)
    switch = reverse("wellness_sharing", args=[athlete.id])
    response = client.post(switch, {"shared": "on"}, follow=True)
    assert "Your coaches now see your wellness." in response.content.decode()
    assert "Stop sharing" in response.content.decode()
    athlete.refresh_from_db()
    assert athlete.wellness_shared_at is not None
    response = client.post(switch, {}, follow=True)
    athlete.refresh_from_db()
    assert athlete.wellness_shared_at is None
    assert "Share with my coaches" in response.content.decode()
    assert _client(coach).post(switch, {"shared": "on"}).status_code == 403


def test_without_wellness_the_page_points_to_connections_and_upload(athlete: Athlete) -> None:
    page = _client(athlete.user).get(reverse("wellness", args=[athlete.id]))
    html = page.content.decode()
    assert "No wellness yet" in html
    assert reverse("connections", args=[athlete.id]) in html
    assert reverse("activity_upload", args=[athlete.id]) in html


def test_a_range_with_no_days_says_so_and_an_unknown_range_is_90_days(athlete: Athlete) -> None:
    WellnessDay.objects.create(athlete=athlete, day=TODAY - dt.timedelta(days=60), hrv_ms=60.0)
    client = _client(athlete.user)
    short = client.get(reverse("wellness", args=[athlete.id]), {"range": "30d"})
    assert "No wellness in this range" in short.content.decode()
    unknown = client.get(reverse("wellness", args=[athlete.id]), {"range": "x"})
    assert [c.key for c in unknown.context["page"].ranges if c.current] == ["90d"]
    assert 'id="hrv-chart-wide-title"' in unknown.content.decode()


def test_the_page_speaks_french(athlete: Athlete) -> None:
    _month(athlete)
    client = _client(athlete.user)
    client.cookies["django_language"] = "fr"
    html = client.get(reverse("wellness", args=[athlete.id])).content.decode()
    # Strings already in the catalogue; the page's new ones are handed to the translators.
    assert "Bien-être" in html and "FC de repos" in html and "1 an" in html
    assert "Étapes" not in html  # "Steps" here are walking steps (its own context), not a workout's


def test_the_nav_and_the_athlete_page_link_to_wellness(athlete: Athlete, coach: User) -> None:
    url = reverse("wellness", args=[athlete.id])
    own = _client(athlete.user).get(reverse("athlete_detail", args=[athlete.id]))
    assert own.content.decode().count(f'href="{url}"') >= 2  # the "More" menu and the page
    coach_page = _client(coach).get(reverse("athlete_detail", args=[athlete.id]))
    assert f'href="{url}"' not in coach_page.content.decode()
    wellness_sharing_set(by=athlete.user, athlete=athlete, shared=True)
    coach_page = _client(coach).get(reverse("athlete_detail", args=[athlete.id]))
    assert f'href="{url}"' in coach_page.content.decode()


def test_the_page_costs_a_fixed_number_of_queries(
    athlete: Athlete, django_assert_max_num_queries: object
) -> None:
    _month(athlete)
    client = _client(athlete.user)
    with django_assert_max_num_queries(12):  # type: ignore[operator]
        client.get(reverse("wellness", args=[athlete.id]), {"range": "1y"})


@pytest.mark.parametrize("value", [1e308, -1e308, float("inf")])
def test_extreme_stored_values_never_break_the_page(athlete: Athlete, value: float) -> None:
    for n in range(20):
        WellnessDay.objects.create(athlete=athlete, day=TODAY - dt.timedelta(days=n), hrv_ms=60.0)
    floats = ("hrv_ms", "hrv_weekly_ms", "hrv_baseline_low_ms", "hrv_baseline_high_ms", "weight_kg")
    WellnessDay.objects.filter(athlete=athlete, day=TODAY).update(
        **dict.fromkeys(floats, value), sleep_s=2**31 - 1, steps=2**31 - 1
    )
    page = _client(athlete.user).get(reverse("wellness", args=[athlete.id]))
    assert page.status_code == 200
    assert "inf" not in page.content.decode().split("<main", 1)[-1].lower().replace("info", "")
