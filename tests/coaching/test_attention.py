"""The attention queue of the cockpit: each condition found from crafted data (and a clean
athlete yielding nothing), the ranking, the coach's thresholds, dismissing and snoozing."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine
from django.utils import timezone

from activities.models import Activity
from athletes.models import Athlete, Goal, User, WellnessDay
from coaching.models import AttentionDismissal, AttentionSettings, Comment, PlannedSession
from coaching.selectors.attention import AttentionItem, attention_list
from coaching.selectors.cockpit import cockpit_get
from integrations.models import Connection
from tests.analytics.builders import days as daily_loads
from tests.coaching.planner_world import MONDAY, NOW, TODAY, client_for, day, done, linked, planned
from tests.factories import AthleteFactory, CoachAthleteFactory

pytestmark = [pytest.mark.django_db]
URL = "/cockpit/"
SETTINGS_URL = "/cockpit/attention/"


@pytest.fixture(autouse=True)
def frozen() -> Any:
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def _queue(coach: User) -> list[AttentionItem]:
    return attention_list(viewer=coach, cockpit=cockpit_get(viewer=coach, week_start=MONDAY))


def _kinds(coach: User) -> list[str]:
    return [item.kind for item in _queue(coach)]


def _nights(athlete: Athlete, *, last: dict[str, Any] | None = None) -> None:
    """28 ordinary nights (HRV 60/64 ms, resting HR 48/50, 7.5 h of sleep) and last night."""
    for n in range(28, 0, -1):
        WellnessDay.objects.create(
            athlete=athlete,
            day=TODAY - dt.timedelta(days=n),
            hrv_ms=60 + 4 * (n % 2),
            resting_hr_bpm=48 + 2 * (n % 2),
            sleep_s=27000,
        )
    tonight = {"hrv_ms": 62.0, "resting_hr_bpm": 49, "sleep_s": 27000} | (last or {})
    WellnessDay.objects.create(athlete=athlete, day=TODAY, **tonight)


def _clean(athlete: Athlete, *, form: float = -5.0, recent: list[float] | None = None) -> Activity:
    """An athlete with nothing wrong: this week's session done and rated, next week planned,
    an optimal load, shared and ordinary wellness. Returns the rated activity."""
    activity = done(athlete, day(1))
    activity.rpe = 4
    activity.save()
    linked(planned(athlete, day(1)), activity)
    planned(athlete, day(8), "Next week")
    loads = [50.0] * 28 + (recent or [50.0] * 7)
    daily_loads(athlete, TODAY - dt.timedelta(days=34), loads, form=[form] * 35)
    Athlete.objects.filter(id=athlete.id).update(wellness_shared_at=NOW)
    _nights(athlete)
    return activity


def test_a_clean_athlete_needs_nothing(coach: User, athlete: Athlete) -> None:
    _clean(athlete)
    assert _queue(coach) == []


def test_a_missed_key_session_is_found_and_links_to_its_week(coach: User, athlete: Athlete) -> None:
    _clean(athlete)
    session = planned(athlete, day(2), "6 x 800 m", session_type="intervals")
    planned(athlete, TODAY, "Today's not missed yet", session_type="long")
    planned(athlete, TODAY - dt.timedelta(days=8), "Too old", session_type="long")
    [item] = _queue(coach)
    assert (item.kind, item.fingerprint) == ("missed_key", str(session.id))
    assert "6 x 800 m" in item.message
    assert item.url == f"/athletes/{athlete.id}/plan/?week={MONDAY}"


def test_a_missed_easy_session_ranks_below_a_missed_key_one(coach: User, athlete: Athlete) -> None:
    _clean(athlete)
    planned(athlete, day(2), "Easy", session_type="endurance")
    planned(athlete, day(0), "Rest", session_type="rest")
    other = AthleteFactory(user__first_name="Aaron")
    CoachAthleteFactory(coach=coach, athlete=other)
    _clean(other)
    planned(other, day(2), "Long run", session_type="long")
    assert [(item.athlete.id, item.kind) for item in _queue(coach)] == [
        (other.id, "missed_key"),
        (athlete.id, "missed"),
    ]


def test_load_above_the_acwr_band(coach: User, athlete: Athlete) -> None:
    _clean(athlete, recent=[80.0] * 7)
    [item] = _queue(coach)
    assert (item.kind, item.fingerprint) == ("acwr", "high")


def test_low_load_counts_only_with_a_plan_this_week(coach: User, athlete: Athlete) -> None:
    _clean(athlete, recent=[5.0] * 7)
    assert _kinds(coach) == ["acwr"]
    PlannedSession.objects.filter(athlete=athlete, day__lt=day(7)).delete()
    Activity.objects.filter(athlete=athlete).update(rpe=4)
    assert "acwr" not in _kinds(coach)


def test_form_below_the_coachs_threshold(coach: User, athlete: Athlete) -> None:
    _clean(athlete, form=-35.0)
    assert _kinds(coach) == ["form"]
    AttentionSettings.objects.create(coach=coach, form_min=-40)
    assert _kinds(coach) == []


@pytest.mark.parametrize(
    ("last", "kind"),
    [
        ({"hrv_ms": 40.0}, "hrv"),
        ({"resting_hr_bpm": 60}, "resting_hr"),
        ({"sleep_s": 18000}, "sleep"),
    ],
)
def test_last_night_beyond_the_baseline_or_short(
    coach: User, athlete: Athlete, last: dict[str, Any], kind: str
) -> None:
    _clean(athlete)
    WellnessDay.objects.filter(athlete=athlete, day=TODAY).update(**last)
    [item] = _queue(coach)
    assert (item.kind, item.fingerprint, item.url) == (
        kind,
        TODAY.isoformat(),
        f"/athletes/{athlete.id}/wellness/",
    )


def test_wellness_is_read_only_when_shared(coach: User, athlete: Athlete) -> None:
    _clean(athlete)
    WellnessDay.objects.filter(athlete=athlete, day=TODAY).update(hrv_ms=20, sleep_s=3600)
    Athlete.objects.filter(id=athlete.id).update(wellness_shared_at=None)
    assert _kinds(coach) == []


def test_an_unlinked_activity(coach: User, athlete: Athlete) -> None:
    _clean(athlete)
    Activity.objects.filter(id=done(athlete, day(2)).id).update(rpe=3)
    [item] = _queue(coach)
    assert (item.kind, item.url) == ("unlinked", f"/athletes/{athlete.id}/unlinked/")


def test_no_rpe_on_every_activity_of_three_days(coach: User, athlete: Athlete) -> None:
    rated = _clean(athlete)
    Activity.objects.filter(id=rated.id).update(rpe=None)
    [item] = _queue(coach)
    assert (item.kind, item.fingerprint) == ("rpe", str(rated.id))
    Activity.objects.filter(id=rated.id).update(rpe=5)
    linked(planned(athlete, TODAY), done(athlete, TODAY))  # one of two rated: nothing to say
    assert _kinds(coach) == []


def test_the_plan_runs_out_with_a_goal_or_this_weeks_sessions(
    coach: User, athlete: Athlete
) -> None:
    _clean(athlete)
    PlannedSession.objects.filter(athlete=athlete, day__gte=day(7)).delete()
    [item] = _queue(coach)
    assert (item.kind, item.fingerprint) == ("plan", day(7).isoformat())
    PlannedSession.objects.filter(athlete=athlete).delete()
    assert _kinds(coach) == ["unlinked"]  # no plan this week, no goal: nothing runs out
    Goal.objects.create(athlete=athlete, name="10K", race_on=day(40), priority="C")
    assert "plan" in _kinds(coach)


def test_a_broken_connection(coach: User, athlete: Athlete) -> None:
    _clean(athlete)
    Connection.objects.create(athlete=athlete, provider="strava", status="active")
    assert _kinds(coach) == []
    Connection.objects.create(athlete=athlete, provider="garmin", status="needs_user")
    assert _kinds(coach) == ["connection"]


def test_a_comment_unanswered_for_a_day(coach: User, athlete: Athlete) -> None:
    rated = _clean(athlete)
    fresh = Comment.objects.create(athlete=athlete, author=athlete.user, activity=rated, body="?")
    assert _kinds(coach) == []
    Comment.objects.filter(id=fresh.id).update(created_at=NOW - dt.timedelta(hours=25))
    assert _kinds(coach) == ["comment"]


# --- the page, dismissing and snoozing --------------------------------------------------------


def test_the_cockpit_shows_the_queue_with_its_fix_links(coach: User, athlete: Athlete) -> None:
    _clean(athlete)
    Connection.objects.create(athlete=athlete, provider="garmin", status="needs_user")
    page = client_for(coach).get(URL).content.decode()
    assert 'data-kind="connection"' in page
    assert f'href="/athletes/{athlete.id}/connections/"' in page


def _hide(client: Any, athlete: Athlete, item: AttentionItem, **data: str) -> Any:
    payload = {"kind": item.kind, "fingerprint": item.fingerprint, "action": "dismiss"} | data
    return client.post(f"/cockpit/attention/{athlete.id}/hide/", payload)


def test_a_dismissed_item_stays_hidden_until_its_condition_changes(
    coach: User, athlete: Athlete
) -> None:
    _clean(athlete)
    planned(athlete, day(1), "Tempo", session_type="tempo")
    [item] = _queue(coach)
    assert _hide(client_for(coach), athlete, item).status_code == 302
    assert _queue(coach) == []
    planned(athlete, day(2), "Long run", session_type="long")  # Wednesday: a new missed one
    [again] = _queue(coach)
    assert again.kind == "missed_key" and again.fingerprint != item.fingerprint


def test_a_snoozed_item_returns_after_its_day(coach: User, athlete: Athlete, frozen: Any) -> None:
    _clean(athlete)
    Connection.objects.create(athlete=athlete, provider="garmin", status="needs_user")
    [item] = _queue(coach)
    response = _hide(client_for(coach), athlete, item, action="snooze")
    assert response.status_code == 302
    dismissal = AttentionDismissal.objects.get()
    assert dismissal.until == timezone.localdate() + dt.timedelta(days=3)
    assert _queue(coach) == []
    frozen.shift(dt.timedelta(days=2))
    assert [i.kind for i in _queue(coach) if i.kind == "connection"] == []
    frozen.shift(dt.timedelta(days=1))
    assert "connection" in [i.kind for i in _queue(coach)]


def test_a_snooze_into_the_past_is_refused(coach: User, athlete: Athlete) -> None:
    _clean(athlete)
    Connection.objects.create(athlete=athlete, provider="garmin", status="needs_user")
    [item] = _queue(coach)
    _hide(client_for(coach), athlete, item, action="snooze", until=TODAY.isoformat())
    assert not AttentionDismissal.objects.exists()


def test_a_stranger_cannot_hide_items(coach: User, athlete: Athlete, other_coach: User) -> None:
    _clean(athlete)
    Connection.objects.create(athlete=athlete, provider="garmin", status="needs_user")
    [item] = _queue(coach)
    assert _hide(client_for(other_coach), athlete, item).status_code == 404
    assert _hide(client_for(athlete.user), athlete, item).status_code == 404
    assert not AttentionDismissal.objects.exists()
    assert client_for(coach).get(f"/cockpit/attention/{athlete.id}/hide/").status_code == 405


def test_the_coach_edits_thresholds_and_bad_input_gets_errors(
    coach: User, athlete: Athlete
) -> None:
    client = client_for(coach)
    assert 'href="/cockpit/attention/"' in client.get(URL).content.decode()
    page = client.get(SETTINGS_URL)
    assert page.status_code == 200 and 'value="-30.0"' in page.content.decode()
    bad = {"form_min": "abc", "sleep_min_h": "30", "baseline_k": "2", "rpe_days": "0"}
    response = client.post(SETTINGS_URL, bad | {"comment_hours": "24"})
    assert response.status_code == 400
    assert set(response.context["form"].errors) == {"form_min", "sleep_min_h", "rpe_days"}
    assert not AttentionSettings.objects.exists()
    good = {"form_min": "-25", "sleep_min_h": "7", "baseline_k": "1.5", "rpe_days": "4"}
    assert client.post(SETTINGS_URL, good | {"comment_hours": "12"}).status_code == 302
    saved = AttentionSettings.objects.get(coach=coach)
    assert (saved.form_min, saved.sleep_min_h, saved.rpe_days, saved.comment_hours) == (
        -25,
        7,
        4,
        12,
    )


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("form_min", "nan"),
        ("form_min", "-inf"),
        ("baseline_k", "1e308"),
        ("sleep_min_h", "-0.5"),
        ("rpe_days", "99999999"),
        ("comment_hours", "-1"),
        ("form_min", "9" * 500),
    ],
)
def test_implausible_thresholds_are_form_errors_never_a_500(
    coach: User, field: str, value: str
) -> None:
    good = {"form_min": "-30", "sleep_min_h": "6", "baseline_k": "2", "rpe_days": "3"}
    data = good | {"comment_hours": "24"} | {field: value}
    response = client_for(coach).post(SETTINGS_URL, data)
    assert response.status_code == 400
    assert field in response.context["form"].errors
    assert not AttentionSettings.objects.exists()
