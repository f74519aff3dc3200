"""Links from the activity page: the linked planned session with its compliance colour,
"unlink" and "link to…" a session of the day ±1, for editors only."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from activities.models import Activity
from analytics.models import ActivityMetrics
from athletes.models import Athlete, User
from coaching.models import Link, LinkRefusal, PlannedSession, SessionType
from coaching.services.linking import link_manual
from tests.coaching.journal_world import client_for, planned, recorded

DAY = dt.date(2026, 3, 10)
pytestmark = pytest.mark.django_db


def _page(activity: Activity) -> str:
    return reverse("activity_detail", args=[activity.athlete_id, activity.id])


def _panel(user: User, activity: Activity) -> str:
    html = client_for(user).get(_page(activity)).content.decode()
    return html.split('id="planned-session"')[1].split("</section>")[0]


@pytest.mark.parametrize(("done_minutes", "colour"), [(62, "green"), (40, "yellow"), (20, "red")])
def test_the_linked_session_shows_its_title_and_the_duration_compliance_colour(
    athlete: Athlete, coach: User, done_minutes: int, colour: str
) -> None:
    session = planned(athlete, coach, DAY, "Steady hour", minutes=60)
    PlannedSession.objects.filter(id=session.id).update(est_load=None)
    activity = recorded(athlete, DAY, minutes=done_minutes)
    link_manual(session=session, activity=activity, by=coach)

    panel = _panel(athlete.user, activity)

    assert "Steady hour" in panel
    assert f"compliance-{colour}" in panel
    assert "Duration:" in panel


def test_compliance_compares_the_load_when_both_sides_have_one(
    athlete: Athlete, coach: User
) -> None:
    session = planned(athlete, coach, DAY, "Tempo", minutes=60)
    PlannedSession.objects.filter(id=session.id).update(est_load=80.0)
    activity = recorded(athlete, DAY, minutes=60)
    ActivityMetrics.objects.create(
        activity=activity, load=60.0, algorithm_version=1, computed_at=timezone.now()
    )
    link_manual(session=session, activity=activity, by=coach)

    panel = _panel(coach, activity)

    assert "Load: 60 / 80" in panel and "(75 %)" in panel
    assert "compliance-yellow" in panel


def test_an_editor_unlinks_and_the_pair_is_refused_to_the_auto_linker(
    athlete: Athlete, coach: User
) -> None:
    session = planned(athlete, coach, DAY)
    activity = recorded(athlete, DAY)
    link = link_manual(session=session, activity=activity, by=coach)
    url = reverse("link_remove", args=[athlete.id, link.id])
    assert url in _panel(athlete.user, activity)

    response = client_for(athlete.user).post(url, {"next": _page(activity)})

    assert response.status_code == 302 and response["Location"] == _page(activity)
    assert not Link.objects.exists()
    assert LinkRefusal.objects.filter(session=session, activity=activity).exists()
    assert "Not linked to a planned session." in _panel(athlete.user, activity)


def test_link_to_offers_the_sessions_of_the_day_and_the_days_around_it(
    athlete: Athlete, coach: User
) -> None:
    activity = recorded(athlete, DAY)
    same_day = planned(athlete, coach, DAY, "Same day")
    day_before = planned(athlete, coach, DAY - dt.timedelta(days=1), "Day before")
    taken = planned(athlete, coach, DAY + dt.timedelta(days=1), "Day after")
    link_manual(session=taken, activity=recorded(athlete, DAY + dt.timedelta(days=1)), by=coach)
    planned(athlete, coach, DAY + dt.timedelta(days=2), "Too far")
    planned(athlete, coach, DAY, "Rest", minutes=None, session_type=SessionType.REST)

    panel = _panel(coach, activity)

    options = panel.split('name="session"')[1].split("</select>")[0]
    assert [title in options for title in ("Same day", "Day before", "Day after")] == [True] * 3
    assert "Too far" not in options and "Rest" not in options
    assert "linked to another activity" in options.split("Day after")[1]
    assert options.index("Day before") < options.index("Same day") < options.index("Day after")

    response = client_for(coach).post(
        reverse("link_create", args=[athlete.id]),
        {"activity": activity.id, "session": same_day.id, "next": _page(activity)},
    )
    assert response.status_code == 302
    link = Link.objects.get(activity=activity)
    assert (link.session_id, link.kind, link.locked) == (same_day.id, "manual", True)
    assert day_before.id != link.session_id


def test_a_view_only_coach_sees_the_link_but_no_controls_and_gets_403(
    athlete: Athlete, coach: User, view_coach: User
) -> None:
    session = planned(athlete, coach, DAY, "Steady hour")
    activity = recorded(athlete, DAY)
    link = link_manual(session=session, activity=activity, by=coach)

    panel = _panel(view_coach, activity)

    assert "Steady hour" in panel
    remove = reverse("link_remove", args=[athlete.id, link.id])
    assert remove not in panel and "Unlink" not in panel and 'name="session"' not in panel
    client = client_for(view_coach)
    assert client.post(remove).status_code == 403
    create = reverse("link_create", args=[athlete.id])
    assert client.post(create, {"activity": activity.id, "session": session.id}).status_code == 403


def test_linking_to_another_athletes_session_is_not_found(
    athlete: Athlete, other_athlete: Athlete, coach: User, other_coach: User
) -> None:
    activity = recorded(athlete, DAY)
    foreign = planned(other_athlete, other_coach, DAY, "Not yours")

    response = client_for(coach).post(
        reverse("link_create", args=[athlete.id]), {"activity": activity.id, "session": foreign.id}
    )

    assert response.status_code == 404
    assert not Link.objects.exists()


def test_a_foreign_next_url_is_ignored(athlete: Athlete, coach: User) -> None:
    session, activity = planned(athlete, coach, DAY), recorded(athlete, DAY)

    response = client_for(coach).post(
        reverse("link_create", args=[athlete.id]),
        {"activity": activity.id, "session": session.id, "next": "https://evil.example/"},
    )

    assert response["Location"] == _page(activity)


def test_a_draft_linked_by_hand_stays_hidden_from_the_athlete(
    athlete: Athlete, coach: User
) -> None:
    draft = planned(athlete, coach, DAY, "Secret block", hidden=True)
    activity = recorded(athlete, DAY)
    link_manual(session=draft, activity=activity, by=coach)

    assert "Secret block" not in _panel(athlete.user, activity)
    assert "Secret block" in _panel(coach, activity)
