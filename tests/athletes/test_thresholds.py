"""Effective-dated thresholds and zones: services, selectors and the thresholds pages."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from athletes.models import Athlete, Thresholds, User, ZoneSet
from athletes.selectors.thresholds import thresholds_on, zones_in_force, zones_on
from athletes.services.thresholds import thresholds_set, zone_set_delete, zone_set_save
from athletes.templatetags.units import distance, duration, pace, swim_pace, zone_range
from athletes.zones import (
    hr_zones_from_lthr,
    hr_zones_from_max,
    pace_zones_from_threshold_speed,
    power_zones_from_ftp,
)
from tests.factories import AthleteFactory, ThresholdsFactory

pytestmark = pytest.mark.django_db

JAN = dt.date(2026, 1, 1)
MAR = dt.date(2026, 3, 1)
JUN = dt.date(2026, 6, 1)
NOW = dt.datetime(2026, 4, 15, 10, 0, tzinfo=dt.UTC)


def _set(athlete: Athlete, sport: str, day: dt.date, **values: object) -> Thresholds:
    return thresholds_set(athlete=athlete, sport=sport, valid_from=day, by=None, **values)


@pytest.fixture
def history(athlete: Athlete) -> Athlete:
    """Three run rows: a full one in January, a new LTHR in March, a new max HR in June."""
    _set(athlete, "run", JAN, hr_max_bpm=190, hr_rest_bpm=50, lthr_bpm=165, threshold_speed_mps=3.8)
    _set(athlete, "run", MAR, lthr_bpm=170)
    _set(athlete, "run", JUN, hr_max_bpm=195, threshold_speed_mps=4.0)
    return athlete


# --- thresholds_on: the row in force that day ---------------------------------------------------


def test_before_the_first_row_that_first_row_is_assumed(history: Athlete) -> None:
    day = JAN - dt.timedelta(days=300)
    values = thresholds_on(athlete=history, sport="run", day=day)
    assert values is not None
    assert (values.valid_from, values.lthr_bpm, values.hr_max_bpm) == (JAN, 165, 190)
    assert values.assumed_on(day) and not values.assumed_on(JAN)


def test_values_are_unknown_without_any_row(athlete: Athlete) -> None:
    assert thresholds_on(athlete=athlete, sport="run", day=JAN) is None


def test_values_on_the_first_day_come_from_the_first_row(history: Athlete) -> None:
    values = thresholds_on(athlete=history, sport="run", day=JAN)
    assert values is not None
    assert (values.valid_from, values.lthr_bpm, values.hr_max_bpm) == (JAN, 165, 190)


def test_values_on_the_change_day_come_from_the_new_row(history: Athlete) -> None:
    values = thresholds_on(athlete=history, sport="run", day=MAR)
    assert values is not None
    assert (values.valid_from, values.lthr_bpm) == (MAR, 170)


def test_values_the_day_before_a_change_come_from_the_old_row(history: Athlete) -> None:
    values = thresholds_on(athlete=history, sport="run", day=MAR - dt.timedelta(days=1))
    assert values is not None
    assert (values.valid_from, values.lthr_bpm) == (JAN, 165)


def test_values_missing_from_the_row_in_force_are_carried_forward(history: Athlete) -> None:
    values = thresholds_on(athlete=history, sport="run", day=dt.date(2026, 4, 1))
    assert values is not None
    assert values.lthr_bpm == 170  # from March
    assert (values.hr_max_bpm, values.hr_rest_bpm, values.threshold_speed_mps) == (190, 50, 3.8)


def test_carry_forward_takes_each_value_from_the_newest_row_that_has_it(history: Athlete) -> None:
    values = thresholds_on(athlete=history, sport="run", day=dt.date(2027, 1, 1))
    assert values is not None
    assert values.valid_from == JUN
    assert (values.hr_max_bpm, values.threshold_speed_mps) == (195, 4.0)  # June
    assert values.lthr_bpm == 170  # March
    assert values.hr_rest_bpm == 50  # January


def test_a_row_of_another_sport_does_not_change_the_run_values(history: Athlete) -> None:
    _set(history, "ride", MAR, ftp_w=250, lthr_bpm=160)
    values = thresholds_on(athlete=history, sport="run", day=MAR)
    assert values is not None
    assert (values.lthr_bpm, values.ftp_w) == (170, None)


def test_a_ride_without_heart_rate_values_takes_them_from_run(history: Athlete) -> None:
    _set(history, "ride", MAR, ftp_w=250)
    values = thresholds_on(athlete=history, sport="ride", day=MAR)
    assert values is not None
    assert (values.ftp_w, values.lthr_bpm, values.threshold_speed_mps) == (250, 170, None)


def test_heart_rate_fallback_prefers_other_over_run(history: Athlete) -> None:
    _set(history, "other", JAN, lthr_bpm=150, hr_max_bpm=180)
    values = thresholds_on(athlete=history, sport="swim", day=MAR)
    assert values is not None
    assert values.lthr_bpm == 150


def test_a_sport_without_thresholds_uses_the_other_rows(history: Athlete) -> None:
    _set(history, "other", JAN, ftp_w=200)
    values = thresholds_on(athlete=history, sport="hike", day=MAR)
    assert values is not None
    assert (values.ftp_w, values.lthr_bpm) == (200, 170)


def test_other_athletes_rows_are_never_used(history: Athlete, other_athlete: Athlete) -> None:
    assert thresholds_on(athlete=other_athlete, sport="run", day=MAR) is None


# --- thresholds_set ----------------------------------------------------------------------------


def test_setting_the_same_day_again_replaces_the_row(athlete: Athlete) -> None:
    _set(athlete, "run", JAN, lthr_bpm=165, hr_max_bpm=190)
    _set(athlete, "run", JAN, lthr_bpm=168)
    row = Thresholds.objects.get(athlete=athlete, sport="run", valid_from=JAN)
    assert (row.lthr_bpm, row.hr_max_bpm) == (168, None)


@pytest.mark.parametrize(
    "values",
    [
        {"hr_max_bpm": 251},
        {"hr_rest_bpm": 24},
        {"lthr_bpm": 300},
        {"ftp_w": 29},
        {"ftp_w": 2001},
        {"threshold_speed_mps": 0.4},
        {"threshold_speed_mps": 10.5},
        {"css_mps": 0.2},
        {"css_mps": 3.5},
        {"hr_max_bpm": 180, "hr_rest_bpm": 180},
        {"hr_max_bpm": 180, "lthr_bpm": 185},
    ],
)
def test_implausible_values_are_refused(athlete: Athlete, values: dict[str, object]) -> None:
    with pytest.raises(ValidationError) as caught:
        _set(athlete, "run", JAN, **values)
    assert set(caught.value.message_dict) <= set(values)
    assert not Thresholds.objects.exists()


def test_resting_hr_is_checked_against_the_carried_max(athlete: Athlete) -> None:
    _set(athlete, "run", JAN, hr_max_bpm=180)
    with pytest.raises(ValidationError) as caught:
        _set(athlete, "run", MAR, hr_rest_bpm=185)
    assert "hr_rest_bpm" in caught.value.message_dict


def test_a_row_needs_at_least_one_value(athlete: Athlete) -> None:
    with pytest.raises(ValidationError):
        _set(athlete, "run", JAN)


def test_thresholds_are_kept_only_for_threshold_sports(athlete: Athlete) -> None:
    with pytest.raises(ValidationError):
        _set(athlete, "hike", JAN, lthr_bpm=160)


# --- zones_on ----------------------------------------------------------------------------------


def test_hr_zones_derive_from_lthr_in_force(history: Athlete) -> None:
    assert zones_on(athlete=history, sport="run", kind="hr", day=JAN) == hr_zones_from_lthr(165)
    assert zones_on(athlete=history, sport="run", kind="hr", day=MAR) == hr_zones_from_lthr(170)


def test_hr_zones_derive_from_max_and_rest_without_lthr(athlete: Athlete) -> None:
    _set(athlete, "run", JAN, hr_max_bpm=190, hr_rest_bpm=50)
    zones = zones_on(athlete=athlete, sport="run", kind="hr", day=MAR)
    assert zones == hr_zones_from_max(190, 50)


def test_power_and_swim_pace_zones_derive_from_ftp_and_css(athlete: Athlete) -> None:
    _set(athlete, "ride", JAN, ftp_w=250)
    _set(athlete, "swim", JAN, css_mps=1.25)
    assert zones_on(athlete=athlete, sport="ride", kind="power", day=MAR) == power_zones_from_ftp(
        250
    )
    swim = zones_on(athlete=athlete, sport="swim", kind="pace", day=MAR)
    assert swim[1].low == pytest.approx(1.25 * 0.85)


def test_zones_are_empty_when_nothing_is_known(athlete: Athlete) -> None:
    assert zones_on(athlete=athlete, sport="run", kind="power", day=MAR) == []


def test_a_custom_zone_set_in_force_wins_over_derived_zones(history: Athlete) -> None:
    zone_set_save(
        athlete=history,
        sport="run",
        kind="hr",
        valid_from=MAR,
        bounds=[130, 150, 165],
        names=["Easy", "Steady", "Hard", "Max"],
        by=None,
    )
    before = zones_in_force(athlete=history, sport="run", kind="hr", day=MAR - dt.timedelta(1))
    after = zones_in_force(athlete=history, sport="run", kind="hr", day=MAR)
    assert not before.custom
    assert list(before.zones) == hr_zones_from_lthr(165)
    assert after.custom
    assert [z.low for z in after.zones] == [0.0, 130.0, 150.0, 165.0]
    assert after.zones[-1].name == "Max"


def test_deleting_the_custom_set_reverts_to_derived_zones(history: Athlete) -> None:
    zone_set = zone_set_save(
        athlete=history,
        sport="run",
        kind="hr",
        valid_from=MAR,
        bounds=[130],
        names=["Low", "High"],
        by=None,
    )
    zone_set_delete(zone_set=zone_set)
    assert zones_on(athlete=history, sport="run", kind="hr", day=JUN) == hr_zones_from_lthr(170)


@pytest.mark.parametrize(
    ("bounds", "names"),
    [([150, 130], ["A", "B", "C"]), ([130], ["A"]), ([130], ["A", " "]), ([400], ["A", "B"])],
)
def test_custom_zones_must_be_ascending_named_and_plausible(
    athlete: Athlete, bounds: list[float], names: list[str]
) -> None:
    with pytest.raises(ValidationError):
        zone_set_save(
            athlete=athlete,
            sport="run",
            kind="hr",
            valid_from=JAN,
            bounds=bounds,
            names=names,
            by=None,
        )
    assert not ZoneSet.objects.exists()


# --- pages --------------------------------------------------------------------------------------


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _url(name: str, athlete: Athlete, *args: object) -> str:
    return reverse(name, args=[athlete.id, *args])


def _row_data(**overrides: str) -> dict[str, str]:
    data = {
        "sport": "run",
        "valid_from": "2026-03-01",
        "hr_max_bpm": "190",
        "hr_rest_bpm": "50",
        "lthr_bpm": "170",
        "ftp_w": "",
        "threshold_pace": "4:10",
        "css_pace": "",
    }
    return {**data, **overrides}


@pytest.mark.parametrize("role", ["athlete", "coach"])
def test_athlete_and_editing_coach_see_the_thresholds_page_with_edit_controls(
    request: pytest.FixtureRequest, athlete: Athlete, role: str
) -> None:
    ThresholdsFactory(athlete=athlete)
    user = athlete.user if role == "athlete" else request.getfixturevalue("coach")
    response = _client(user).get(_url("thresholds", athlete))
    assert response.status_code == 200
    assert _url("thresholds_add", athlete).encode() in response.content
    assert b"4:10 /km" in response.content


def test_view_only_coach_sees_thresholds_without_edit_controls(
    view_coach: User, athlete: Athlete
) -> None:
    row = ThresholdsFactory(athlete=athlete)
    response = _client(view_coach).get(_url("thresholds", athlete))
    assert response.status_code == 200
    assert b"172 bpm" in response.content
    assert _url("thresholds_add", athlete).encode() not in response.content
    assert _url("thresholds_delete", athlete, row.id).encode() not in response.content
    assert b"/zones/" not in response.content


def test_view_only_coach_cannot_post_thresholds(view_coach: User, athlete: Athlete) -> None:
    client = _client(view_coach)
    assert client.post(_url("thresholds_add", athlete), _row_data()).status_code == 403
    row = ThresholdsFactory(athlete=athlete)
    assert client.post(_url("thresholds_delete", athlete, row.id)).status_code == 403
    assert client.get(_url("zones_edit", athlete, "run", "hr")).status_code == 403
    assert Thresholds.objects.filter(athlete=athlete).count() == 1


@pytest.mark.parametrize("role", ["other_coach", "former_coach"])
def test_coaches_without_a_current_relationship_get_404(
    request: pytest.FixtureRequest, athlete: Athlete, role: str
) -> None:
    client = _client(request.getfixturevalue(role))
    row = ThresholdsFactory(athlete=athlete)
    assert client.get(_url("thresholds", athlete)).status_code == 404
    assert client.post(_url("thresholds_add", athlete), _row_data()).status_code == 404
    assert client.post(_url("thresholds_delete", athlete, row.id)).status_code == 404
    assert client.get(_url("zones_edit", athlete, "run", "hr")).status_code == 404
    assert Thresholds.objects.count() == 1


def test_anonymous_visitors_are_sent_to_log_in(athlete: Athlete) -> None:
    response = Client().get(_url("thresholds", athlete))
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]


def test_coach_adds_a_row_in_display_units(coach: User, athlete: Athlete) -> None:
    response = _client(coach).post(_url("thresholds_add", athlete), _row_data())
    assert response.status_code == 302
    row = Thresholds.objects.get(athlete=athlete)
    assert (row.valid_from, row.lthr_bpm, row.created_by) == (MAR, 170, coach)
    assert row.threshold_speed_mps == pytest.approx(4.0)


def test_imperial_athletes_enter_pace_per_mile(athlete: Athlete) -> None:
    athlete.units = Athlete.Units.IMPERIAL
    athlete.save()
    _client(athlete.user).post(_url("thresholds_add", athlete), _row_data(threshold_pace="6:42"))
    row = Thresholds.objects.get(athlete=athlete)
    assert row.threshold_speed_mps == pytest.approx(1609.344 / 402)
    page = _client(athlete.user).get(_url("thresholds", athlete))
    assert b"6:42 /mi" in page.content


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"hr_max_bpm": "abc"}, "hr_max_bpm"),
        ({"hr_rest_bpm": "195"}, "hr_rest_bpm"),
        ({"threshold_pace": "9:99"}, "threshold_pace"),
        ({"css_pace": "fast"}, "css_pace"),
        ({"valid_from": "yesterday-ish"}, "valid_from"),
        ({"hr_max_bpm": "300"}, "hr_max_bpm"),
        ({"threshold_pace": "60:00"}, "threshold_pace"),
        ({"lthr_bpm": "195"}, "lthr_bpm"),
    ],
)
def test_invalid_thresholds_show_field_errors(
    coach: User, athlete: Athlete, overrides: dict[str, str], field: str
) -> None:
    response = _client(coach).post(_url("thresholds_add", athlete), _row_data(**overrides))
    assert response.status_code == 200
    assert response.context["form"].errors.get(field)
    assert not Thresholds.objects.exists()


def test_an_unreadable_date_shows_today_with_a_notice(coach: User, athlete: Athlete) -> None:
    response = _client(coach).get(_url("thresholds", athlete) + "?on=2026-13-45")
    assert response.status_code == 200
    assert response.context["bad_day"]


def test_zones_for_the_chosen_date_are_shown(coach: User, history: Athlete) -> None:
    response = _client(coach).get(_url("thresholds", history) + "?on=2026-02-01")
    run = next(s for s in response.context["sports"] if s.sport == "run")
    hr = next(z for z in run.zones if z.kind == "hr")
    assert list(hr.zones) == hr_zones_from_lthr(165)
    assert not hr.custom


def test_coach_deletes_a_row(coach: User, history: Athlete) -> None:
    row = Thresholds.objects.get(athlete=history, valid_from=JUN)
    response = _client(coach).post(_url("thresholds_delete", history, row.id))
    assert response.status_code == 302
    assert not Thresholds.objects.filter(id=row.id).exists()


def test_a_row_of_another_athlete_is_404(coach: User, athlete: Athlete) -> None:
    stranger = ThresholdsFactory(athlete=AthleteFactory())
    response = _client(coach).post(_url("thresholds_delete", athlete, stranger.id))
    assert response.status_code == 404
    assert Thresholds.objects.filter(id=stranger.id).exists()


# --- custom zones page -------------------------------------------------------------------------


@time_machine.travel(NOW, tick=False)
def test_zones_edit_is_prefilled_with_the_zones_in_force(coach: User, history: Athlete) -> None:
    response = _client(coach).get(_url("zones_edit", history, "run", "pace"))
    assert response.status_code == 200
    form = response.context["form"]
    assert form.initial["name_0"] == "Z1"
    assert form.initial["bound_1"] == "5:37"  # 78 % of 3.8 m/s = 2.964 m/s = 337.4 s/km


def test_coach_saves_custom_pace_zones_entered_per_km(coach: User, athlete: Athlete) -> None:
    data = {
        "valid_from": "2026-03-01",
        "name_0": "Easy",
        "name_1": "Tempo",
        "bound_1": "5:00",
        "name_2": "Fast",
        "bound_2": "4:00",
    }
    response = _client(coach).post(_url("zones_edit", athlete, "run", "pace"), data)
    assert response.status_code == 302
    zone_set = ZoneSet.objects.get(athlete=athlete)
    assert zone_set.names == ["Easy", "Tempo", "Fast"]
    assert zone_set.bounds == pytest.approx([1000 / 300, 1000 / 240])


@pytest.mark.parametrize(
    "data",
    [
        {"name_0": "A", "name_1": "B", "bound_1": "abc"},
        {"name_0": "A", "name_1": "B", "bound_1": ""},
        {"name_0": "A", "name_1": "B", "bound_1": "150", "name_2": "C", "bound_2": "140"},
        {"name_0": "A"},
        {"name_0": "A", "name_2": "C", "bound_2": "150"},
        {"name_0": "A", "name_1": "B", "bound_1": "150", "valid_from": "someday"},
    ],
)
def test_invalid_custom_zones_show_errors(
    coach: User, athlete: Athlete, data: dict[str, str]
) -> None:
    response = _client(coach).post(
        _url("zones_edit", athlete, "run", "hr"), {"valid_from": "2026-03-01"} | data
    )
    assert response.status_code == 200
    assert response.context["form"].errors
    assert not ZoneSet.objects.exists()


def test_reset_reverts_to_derived_zones(coach: User, history: Athlete) -> None:
    zone_set_save(
        athlete=history,
        sport="run",
        kind="hr",
        valid_from=MAR,
        bounds=[130],
        names=["A", "B"],
        by=None,
    )
    url = _url("zones_edit", history, "run", "hr") + "?on=2026-04-01"
    response = _client(coach).post(url, {"reset": "1"})
    assert response.status_code == 302
    assert not ZoneSet.objects.exists()


def test_unknown_sport_or_kind_is_404(coach: User, athlete: Athlete) -> None:
    client = _client(coach)
    assert client.get(_url("zones_edit", athlete, "hike", "hr")).status_code == 404
    assert client.get(_url("zones_edit", athlete, "run", "speed")).status_code == 404


# --- display filters ---------------------------------------------------------------------------


def test_display_filters_convert_si_values_by_units() -> None:
    assert pace(4.0) == "4:10 /km"
    assert pace(4.0, "imperial") == "6:42 /mi"
    assert pace(None) == "\u2014"
    assert swim_pace(1.0) == "1:40 /100m"
    assert distance(42195.0) == "42.2 km"
    assert distance(42195.0, "imperial") == "26.22 mi"
    assert duration(12540) == "3:29:00"


def test_zone_ranges_read_naturally_for_each_kind() -> None:
    hr = hr_zones_from_lthr(170)
    assert zone_range(hr[0], "hr") == "< 145 bpm"
    assert zone_range(hr[1], "hr") == "145\u2013153 bpm"
    assert zone_range(hr[-1], "hr") == "\u2265 180 bpm"
    run = pace_zones_from_threshold_speed(4.0)
    assert zone_range(run[0], "pace") == "> 5:21 /km"  # 78 % of 4.0 m/s = 3.12 m/s
    assert zone_range(run[-1], "pace") == "\u2264 3:58 /km"
