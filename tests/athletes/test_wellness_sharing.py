"""The athlete's consent to share wellness with coaches: given, revoked, enforced at the door."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.test import Client
from django.urls import reverse

from athletes.models import Athlete, CoachAthlete, User, WellnessDay
from athletes.selectors.wellness import athlete_get_for_wellness, wellness_days, wellness_readable
from athletes.services.wellness import wellness_sharing_set

DAY = dt.date(2026, 3, 2)


@pytest.fixture
def night(athlete: Athlete) -> WellnessDay:
    return WellnessDay.objects.create(athlete=athlete, day=DAY, hrv_ms=61.0, sleep_s=7 * 3600)


def test_wellness_is_not_shared_until_the_athlete_says_so(
    athlete: Athlete, coach: User, night: WellnessDay
) -> None:
    assert athlete.wellness_shared_at is None
    assert wellness_readable(viewer=athlete.user, athlete=athlete)
    assert not wellness_readable(viewer=coach, athlete=athlete)
    assert wellness_days(viewer=athlete.user, athlete=athlete) == [night]
    assert wellness_days(viewer=coach, athlete=athlete) == []
    with pytest.raises(PermissionDenied):
        athlete_get_for_wellness(viewer=coach, athlete_id=athlete.id)


@time_machine.travel(dt.datetime(2026, 3, 3, 8, 0, tzinfo=dt.UTC), tick=False)
def test_a_coach_sees_shared_wellness_then_loses_it_when_the_athlete_revokes(
    athlete: Athlete, coach: User, view_coach: User, night: WellnessDay
) -> None:
    wellness_sharing_set(by=athlete.user, athlete=athlete, shared=True)
    athlete.refresh_from_db()
    assert athlete.wellness_shared_at == dt.datetime(2026, 3, 3, 8, 0, tzinfo=dt.UTC)
    assert wellness_days(viewer=coach, athlete=athlete) == [night]
    assert wellness_days(viewer=view_coach, athlete=athlete) == [night]
    assert athlete_get_for_wellness(viewer=coach, athlete_id=athlete.id) == athlete

    wellness_sharing_set(by=athlete.user, athlete=athlete, shared=False)
    athlete.refresh_from_db()
    assert athlete.wellness_shared_at is None
    assert wellness_days(viewer=coach, athlete=athlete) == []
    assert not WellnessDay.objects.visible_to(coach).exists()
    assert not WellnessDay.objects.manageable_by(coach).exists()


def test_sharing_again_keeps_the_moment_consent_was_given(athlete: Athlete) -> None:
    with time_machine.travel(dt.datetime(2026, 3, 3, 8, 0, tzinfo=dt.UTC), tick=False):
        wellness_sharing_set(by=athlete.user, athlete=athlete, shared=True)
    with time_machine.travel(dt.datetime(2026, 4, 1, 8, 0, tzinfo=dt.UTC), tick=False):
        wellness_sharing_set(by=athlete.user, athlete=athlete, shared=True)
    athlete.refresh_from_db()
    assert athlete.wellness_shared_at == dt.datetime(2026, 3, 3, 8, 0, tzinfo=dt.UTC)


def test_only_the_athlete_gives_or_revokes_consent(
    athlete: Athlete, coach: User, staff: User
) -> None:
    CoachAthlete.objects.filter(coach=coach).update(permission=CoachAthlete.Permission.FULL)
    for someone in (coach, staff):
        with pytest.raises(PermissionDenied):
            wellness_sharing_set(by=someone, athlete=athlete, shared=True)
    athlete.refresh_from_db()
    assert athlete.wellness_shared_at is None


def test_consent_never_opens_wellness_to_former_or_other_coaches(
    athlete: Athlete, former_coach: User, other_coach: User, night: WellnessDay
) -> None:
    wellness_sharing_set(by=athlete.user, athlete=athlete, shared=True)
    for outsider in (former_coach, other_coach):
        assert wellness_days(viewer=outsider, athlete=athlete) == []
        with pytest.raises(Http404):
            athlete_get_for_wellness(viewer=outsider, athlete_id=athlete.id)


def test_the_garmin_sign_in_asks_the_athlete_to_share_wellness(athlete: Athlete) -> None:
    client = Client()
    client.force_login(athlete.user)
    page = client.get(reverse("connections", args=[athlete.id]))
    assert b'name="share_wellness"' in page.content
    assert b"checked" not in page.content.split(b'name="share_wellness"')[1][:40]
    data = {"email": "ada@example.test", "password": "secret", "share_wellness": "on"}
    client.post(reverse("garmin_connect", args=[athlete.id]), data)
    athlete.refresh_from_db()
    assert athlete.wellness_shared_at is not None


def test_a_coach_connecting_garmin_is_not_asked_to_consent_for_the_athlete(
    athlete: Athlete, coach: User
) -> None:
    CoachAthlete.objects.filter(coach=coach).update(permission=CoachAthlete.Permission.FULL)
    client = Client()
    client.force_login(coach)
    page = client.get(reverse("connections", args=[athlete.id]))
    assert page.status_code == 200
    assert b"share_wellness" not in page.content
    data = {"email": "ada@example.test", "password": "secret", "share_wellness": "on"}
    client.post(reverse("garmin_connect", args=[athlete.id]), data)
    athlete.refresh_from_db()
    assert athlete.wellness_shared_at is None
