"""The athlete's consent to show Strava-sourced activities to coaches: given, revoked, only by
the athlete (the door that enforces it: tests/activities/test_strava_consent.py)."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import PermissionDenied

from athletes.models import Athlete, CoachAthlete, User
from athletes.services.strava import strava_sharing_set

GIVEN = dt.datetime(2026, 3, 3, 8, 0, tzinfo=dt.UTC)


def test_strava_is_not_shared_until_the_athlete_says_so(athlete: Athlete) -> None:
    assert athlete.strava_shared_at is None


@time_machine.travel(GIVEN, tick=False)
def test_the_athlete_shares_strava_then_revokes_it(athlete: Athlete) -> None:
    strava_sharing_set(by=athlete.user, athlete=athlete, shared=True)
    athlete.refresh_from_db()
    assert athlete.strava_shared_at == GIVEN

    strava_sharing_set(by=athlete.user, athlete=athlete, shared=False)
    athlete.refresh_from_db()
    assert athlete.strava_shared_at is None


def test_sharing_strava_again_keeps_the_moment_consent_was_given(athlete: Athlete) -> None:
    with time_machine.travel(GIVEN, tick=False):
        strava_sharing_set(by=athlete.user, athlete=athlete, shared=True)
    with time_machine.travel(dt.datetime(2026, 4, 1, 8, 0, tzinfo=dt.UTC), tick=False):
        strava_sharing_set(by=athlete.user, athlete=athlete, shared=True)
    athlete.refresh_from_db()
    assert athlete.strava_shared_at == GIVEN


def test_only_the_athlete_gives_or_revokes_strava_consent(
    athlete: Athlete, coach: User, staff: User, other_athlete: Athlete
) -> None:
    CoachAthlete.objects.filter(coach=coach).update(permission=CoachAthlete.Permission.FULL)
    for someone in (coach, staff, other_athlete.user):
        with pytest.raises(PermissionDenied):
            strava_sharing_set(by=someone, athlete=athlete, shared=True)
    athlete.refresh_from_db()
    assert athlete.strava_shared_at is None

    strava_sharing_set(by=athlete.user, athlete=athlete, shared=True)
    with pytest.raises(PermissionDenied):
        strava_sharing_set(by=coach, athlete=athlete, shared=False)
    athlete.refresh_from_db()
    assert athlete.strava_shared_at is not None
