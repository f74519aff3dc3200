"""Athlete logging after an activity: RPE (Foster's CR-10), feel (1–5) and notes, by the
athlete or a coach with edit rights, announced to the metrics pipeline after commit."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from activities.models import Activity
from activities.services.journal import activity_journal_update
from analytics.models import ActivityMetrics
from athletes.models import Athlete, User
from tests.coaching.journal_world import client_for, htmx, recorded

DAY = dt.date(2026, 3, 10)
pytestmark = pytest.mark.django_db


@pytest.fixture
def activity(athlete: Athlete) -> Activity:
    return recorded(athlete, DAY)


def _journal_url(activity: Activity) -> str:
    return reverse("activity_journal", args=[activity.athlete_id, activity.id])


def test_the_athlete_logs_rpe_feel_and_notes_and_the_change_is_announced_after_commit(
    activity: Activity, announced: list[dict[str, Any]], django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        changed = activity_journal_update(
            activity=activity, by=activity.athlete.user, rpe=7, feel=4, notes="Windy."
        )
        assert announced == []  # nothing is sent before the commit

    activity.refresh_from_db()
    assert changed is True
    assert (activity.rpe, activity.feel, activity.notes) == (7, 4, "Windy.")
    assert len(callbacks) >= 1
    assert announced == [
        {"athlete_id": activity.athlete_id, "activity_ids": [activity.id], "since": DAY}
    ]


def test_the_metrics_pipeline_recomputes_the_session_rpe_once_the_rpe_is_logged(
    activity: Activity, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        activity_journal_update(
            activity=activity, by=activity.athlete.user, rpe=6, feel=None, notes=""
        )

    metrics = ActivityMetrics.objects.get(activity=activity)
    assert metrics.srpe == pytest.approx(6 * 60)  # CR-10 × 60 minutes


def test_changing_only_the_feel_or_the_notes_announces_nothing(
    activity: Activity, announced: list[dict[str, Any]], django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        activity_journal_update(
            activity=activity, by=activity.athlete.user, rpe=None, feel=2, notes="Tired"
        )

    assert announced == []
    assert Activity.objects.get(id=activity.id).feel == 2


def test_saving_the_same_values_again_changes_nothing(activity: Activity) -> None:
    user = activity.athlete.user
    activity_journal_update(activity=activity, by=user, rpe=5, feel=3, notes="")

    assert activity_journal_update(activity=activity, by=user, rpe=5, feel=3, notes="") is False


@pytest.mark.parametrize("who", ["coach", "view_coach", "other_coach", "other_athlete", "staff"])
def test_nobody_else_may_log(activity: Activity, who: str, request: pytest.FixtureRequest) -> None:
    person = request.getfixturevalue(who)
    user = person if isinstance(person, User) else person.user

    with pytest.raises(PermissionDenied):
        activity_journal_update(activity=activity, by=user, rpe=3, feel=None, notes="")
    assert Activity.objects.get(id=activity.id).rpe is None


@pytest.mark.parametrize(("rpe", "feel"), [(11, None), (-1, None), (None, 0), (None, 6)])
def test_values_off_the_scales_are_refused(
    activity: Activity, rpe: int | None, feel: int | None
) -> None:
    with pytest.raises(ValueError):
        activity_journal_update(
            activity=activity, by=activity.athlete.user, rpe=rpe, feel=feel, notes=""
        )


def test_the_athlete_gets_an_htmx_journal_form_with_the_cr10_labels(activity: Activity) -> None:
    url = reverse("activity_detail", args=[activity.athlete_id, activity.id])
    html = client_for(activity.athlete.user).get(url).content.decode()

    assert f'hx-post="{_journal_url(activity)}"' in html
    for label in ("0 · Rest", "7 · Very hard", "10 · Maximal", "5 · Very strong"):
        assert label in html


@pytest.mark.parametrize("who", ["coach", "view_coach"])
def test_a_coach_reads_the_journal_without_a_form_and_may_not_write_it(
    activity: Activity, who: str, request: pytest.FixtureRequest
) -> None:
    reader: User = request.getfixturevalue(who)
    activity_journal_update(
        activity=activity, by=activity.athlete.user, rpe=7, feel=4, notes="Hilly"
    )
    url = reverse("activity_detail", args=[activity.athlete_id, activity.id])

    html = client_for(reader).get(url).content.decode()

    assert _journal_url(activity) not in html
    assert "7 · Very hard" in html and "4 · Strong" in html and "Hilly" in html
    assert "The athlete writes this journal" in html
    assert htmx(client_for(reader), _journal_url(activity), {"rpe": "2"}).status_code == 403
    assert Activity.objects.get(id=activity.id).rpe == 7


def test_the_coach_with_edit_rights_still_comments_under_the_journal(
    activity: Activity, coach: User
) -> None:
    url = reverse("activity_detail", args=[activity.athlete_id, activity.id])
    thread = reverse("comment_thread", args=[activity.athlete_id, "activity", activity.id])

    html = client_for(coach).get(url).content.decode()

    assert _journal_url(activity) not in html
    assert thread in html


def test_saving_through_htmx_returns_the_card_marked_saved(activity: Activity) -> None:
    response = htmx(
        client_for(activity.athlete.user),
        _journal_url(activity),
        {"rpe": "6", "feel": "3", "notes": "Ok"},
    )

    assert response.status_code == 200
    assert "Saved." in response.content.decode()
    assert 'id="activity-journal"' in response.content.decode()
    assert Activity.objects.values_list("rpe", "feel", "notes").get(id=activity.id) == (6, 3, "Ok")


def test_without_htmx_saving_goes_back_to_the_activity_page(activity: Activity) -> None:
    response = client_for(activity.athlete.user).post(_journal_url(activity), {"rpe": "4"})

    assert response.status_code == 302
    assert response["Location"] == reverse(
        "activity_detail", args=[activity.athlete_id, activity.id]
    )
    assert Activity.objects.get(id=activity.id).rpe == 4


def test_a_rating_off_the_scale_comes_back_with_an_error_and_saves_nothing(
    activity: Activity,
) -> None:
    response = htmx(
        client_for(activity.athlete.user), _journal_url(activity), {"rpe": "11", "feel": "9"}
    )

    assert response.status_code == 200
    assert "errorlist" in response.content.decode()
    assert Activity.objects.get(id=activity.id).rpe is None
