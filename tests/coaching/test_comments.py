"""Comment threads on planned sessions and activities (coach ↔ athlete): who may write, the
thread partial, unread marks and counts, deleting one's own comment, drafts kept private."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine
from django.core.exceptions import PermissionDenied
from django.template.loader import render_to_string
from django.test import Client, RequestFactory
from django.urls import reverse

from activities.models import Activity
from athletes.models import Athlete, User
from coaching.models import Comment, CommentRead, PlannedSession
from coaching.selectors.comments import (
    comment_thread,
    unread_comment_count,
    unread_counts,
    unread_threads,
)
from coaching.services.comments import comment_add, comment_delete, thread_mark_read
from tests.coaching.journal_world import client_for, htmx, planned, recorded

DAY = dt.date(2026, 3, 10)
T0 = dt.datetime(2026, 3, 10, 18, 0, tzinfo=dt.UTC)
pytestmark = pytest.mark.django_db


@pytest.fixture
def activity(athlete: Athlete) -> Activity:
    return recorded(athlete, DAY)


@pytest.fixture
def session(athlete: Athlete, coach: User) -> PlannedSession:
    return planned(athlete, coach, DAY)


def _at(minutes: int) -> Any:
    return time_machine.travel(T0 + dt.timedelta(minutes=minutes), tick=False)


def _thread_url(target: Activity | PlannedSession) -> str:
    kind = "activity" if isinstance(target, Activity) else "session"
    return reverse("comment_thread", args=[target.athlete_id, kind, target.id])


def test_the_athlete_and_an_edit_coach_comment_and_the_thread_reads_oldest_first(
    activity: Activity, coach: User
) -> None:
    with _at(0):
        comment_add(author=activity.athlete.user, body="Legs heavy.", activity=activity)
    with _at(5):
        comment_add(author=coach, body="  Take tomorrow easy.  ", activity=activity)

    thread = comment_thread(viewer=coach, target=activity)

    assert [row.comment.body for row in thread.comments] == ["Legs heavy.", "Take tomorrow easy."]
    assert [row.mine for row in thread.comments] == [False, True]
    assert thread.can_comment is True
    assert thread.last_at == T0 + dt.timedelta(minutes=5)


@pytest.mark.parametrize("who", ["view_coach", "other_coach", "former_coach"])
def test_only_the_athlete_and_edit_coaches_may_comment(
    activity: Activity, who: str, request: pytest.FixtureRequest
) -> None:
    user = request.getfixturevalue(who)

    with pytest.raises(PermissionDenied):
        comment_add(author=user, body="Hello", activity=activity)
    assert not Comment.objects.exists()


def test_a_view_only_coach_reads_the_thread_without_a_form_and_gets_403_on_writing(
    activity: Activity, view_coach: User
) -> None:
    comment_add(author=activity.athlete.user, body="Legs heavy.", activity=activity)
    client = client_for(view_coach)

    html = client.get(_thread_url(activity)).content.decode()

    assert "Legs heavy." in html and 'name="body"' not in html
    assert htmx(client, _thread_url(activity), {"body": "Hi"}).status_code == 403


def test_posting_a_comment_returns_the_thread_with_it_last_and_an_empty_form(
    activity: Activity, coach: User
) -> None:
    comment_add(author=activity.athlete.user, body="First", activity=activity)

    html = htmx(client_for(coach), _thread_url(activity), {"body": "Second"}).content.decode()

    assert html.index("First") < html.index("Second")
    assert "Claire" in html and ("ago" in html or "now" in html)  # author, relative time
    assert Comment.objects.filter(activity=activity).count() == 2


def test_an_empty_comment_is_refused(activity: Activity) -> None:
    response = htmx(client_for(activity.athlete.user), _thread_url(activity), {"body": "   "})

    assert response.status_code == 200
    assert "errorlist" in response.content.decode()
    assert not Comment.objects.exists()


def test_comments_by_others_after_the_read_mark_are_unread(activity: Activity, coach: User) -> None:
    athlete = activity.athlete.user
    with _at(0):
        comment_add(author=coach, body="How did it go?", activity=activity)
    with _at(1):
        comment_add(author=athlete, body="Fine", activity=activity)  # reading up to here
    with _at(2):
        comment_add(author=coach, body="Great", activity=activity)

    thread = comment_thread(viewer=athlete, target=activity)

    assert [row.unread for row in thread.comments] == [False, False, True]
    assert unread_comment_count(user=athlete) == 1
    assert unread_comment_count(user=coach) == 0  # the athlete's reply came after the coach's


def test_marking_read_clears_the_count_until_a_newer_comment_arrives(
    activity: Activity, coach: User
) -> None:
    athlete = activity.athlete.user
    with _at(0):
        comment_add(author=coach, body="One", activity=activity)
    assert unread_comment_count(user=athlete) == 1

    thread_mark_read(user=athlete, activity=activity, until=T0)
    assert unread_comment_count(user=athlete) == 0

    with _at(3):
        comment_add(author=coach, body="Two", activity=activity)
    assert unread_comment_count(user=athlete) == 1


def test_a_read_mark_never_moves_back(activity: Activity) -> None:
    user = activity.athlete.user
    thread_mark_read(user=user, activity=activity, until=T0)
    thread_mark_read(user=user, activity=activity, until=T0 - dt.timedelta(hours=1))

    assert CommentRead.objects.get(user=user, activity=activity).read_at == T0


def test_the_read_endpoint_marks_up_to_the_comment_shown_and_no_further(
    activity: Activity, coach: User
) -> None:
    with _at(0):
        comment_add(author=coach, body="Shown", activity=activity)
    with _at(2):
        comment_add(author=coach, body="Arrived meanwhile", activity=activity)
    url = reverse("comment_thread_read", args=[activity.athlete_id, "activity", activity.id])

    with _at(3):
        response = client_for(activity.athlete.user).post(url, {"until": T0.isoformat()})

    assert response.status_code == 204
    assert unread_comment_count(user=activity.athlete.user) == 1


def test_the_thread_partial_marks_unread_comments_and_asks_to_be_marked_read_when_seen(
    activity: Activity, coach: User
) -> None:
    comment_add(author=coach, body="Check your cadence", activity=activity)
    page = reverse("activity_detail", args=[activity.athlete_id, activity.id])

    html = client_for(activity.athlete.user).get(page).content.decode()

    assert "Check your cadence" in html
    assert "is-unread" in html and "1 new" in html
    assert 'hx-trigger="intersect once"' in html
    assert (
        reverse("comment_thread_read", args=[activity.athlete_id, "activity", activity.id]) in html
    )


def test_only_the_author_deletes_a_comment(activity: Activity, coach: User) -> None:
    comment = comment_add(author=activity.athlete.user, body="Oops", activity=activity)
    url = reverse("comment_delete", args=[activity.athlete_id, comment.id])

    with pytest.raises(PermissionDenied):
        comment_delete(comment=comment, by=coach)
    assert client_for(coach).post(url).status_code == 403

    html = htmx(client_for(activity.athlete.user), url).content.decode()
    assert "Oops" not in html and "No comments yet." in html
    assert not Comment.objects.exists()


def test_threads_on_planned_sessions_work_the_same_way(
    session: PlannedSession, coach: User
) -> None:
    htmx(client_for(coach), _thread_url(session), {"body": "Keep it easy"})

    html = client_for(session.athlete.user).get(_thread_url(session)).content.decode()

    assert "Keep it easy" in html and "is-unread" in html
    assert unread_counts(user=session.athlete.user, session_ids=[session.id]) == {
        ("session", session.id): 1
    }


def test_comments_on_a_draft_stay_with_the_coaches(athlete: Athlete, coach: User) -> None:
    draft = planned(athlete, coach, DAY, "Draft", hidden=True)
    comment_add(author=coach, body="Not sure yet", session=draft)

    assert client_for(athlete.user).get(_thread_url(draft)).status_code == 404
    assert unread_comment_count(user=athlete.user) == 0


def test_the_thread_partial_renders_from_the_planner_context(
    session: PlannedSession, coach: User
) -> None:
    comment_add(author=session.athlete.user, body="Can we swap days?", session=session)
    request = RequestFactory().get("/")
    request.user = coach
    context = {
        "athlete": session.athlete,
        "session": session,
        "thread": comment_thread(viewer=coach, target=session),
    }

    html = render_to_string("coaching/partials/_comment_thread.html", context, request=request)

    assert f'id="thread-session-{session.id}"' in html
    assert "Can we swap days?" in html and f'hx-post="{_thread_url(session)}"' in html


def test_the_unread_badge_and_inbox_show_the_threads_with_news(
    activity: Activity, session: PlannedSession, coach: User
) -> None:
    with _at(0):
        comment_add(author=coach, body="On the run", activity=activity)
    with _at(1):
        comment_add(author=coach, body="On the plan", session=session)
        comment_add(author=coach, body="And again", session=session)
    client = client_for(activity.athlete.user)

    badge = client.get(reverse("comment_unread_badge")).content.decode()
    inbox = client.get(reverse("comment_inbox")).content.decode()

    assert '<span class="comment-badge-count">3</span>' in badge
    threads = unread_threads(user=activity.athlete.user)
    assert [(t.kind, t.unread) for t in threads] == [("session", 2), ("activity", 1)]
    assert _thread_url(session) in inbox and _thread_url(activity) in inbox


def test_the_inbox_links_each_thread_to_its_page_at_the_thread_and_reads_nothing(
    activity: Activity, session: PlannedSession, coach: User
) -> None:
    comment_add(author=coach, body="On the run", activity=activity)
    comment_add(author=coach, body="On the plan", session=session)
    athlete = activity.athlete
    client = client_for(athlete.user)

    inbox = client.get(reverse("comment_inbox")).content.decode()

    run = reverse("activity_detail", args=[athlete.id, activity.id])
    day = reverse("planner_day", args=[athlete.id, session.day.isoformat()])
    assert f'href="{run}#thread-activity-{activity.id}"' in inbox
    assert f'href="{day}#thread-session-{session.id}"' in inbox
    # Collapsed: a thread loads (and marks itself read) once expanded, not when the inbox opens.
    assert 'class="comment-thread-slot"' in inbox and "thread-read-mark" not in inbox
    assert inbox.count('hx-trigger="toggle once from:closest details"') == 2
    assert not CommentRead.objects.filter(user=athlete.user).exists()
    assert unread_comment_count(user=athlete.user) == 2


def test_a_thread_is_read_once_seen_on_its_page_and_the_others_stay_unread(
    activity: Activity, session: PlannedSession, coach: User
) -> None:
    comment_add(author=coach, body="On the run", activity=activity)
    comment_add(author=coach, body="On the plan", session=session)
    athlete = activity.athlete
    client = client_for(athlete.user)
    page = client.get(reverse("activity_detail", args=[athlete.id, activity.id])).content.decode()
    read_url = reverse("comment_thread_read", args=[athlete.id, "activity", activity.id])
    assert f'hx-post="{read_url}"' in page and 'hx-trigger="intersect once"' in page

    client.post(read_url)  # what the thread's read mark sends once it scrolls into view

    assert unread_counts(
        user=athlete.user, session_ids=[session.id], activity_ids=[activity.id]
    ) == {("session", session.id): 1}


def test_a_session_threads_day_page_carries_the_anchor_before_the_thread_loads(
    session: PlannedSession,
) -> None:
    day = reverse("planner_day", args=[session.athlete_id, session.day.isoformat()])

    html = client_for(session.athlete.user).get(day).content.decode()

    assert f'id="thread-session-{session.id}"' in html


def test_no_badge_without_unread_comments(athlete: Athlete) -> None:
    badge = client_for(athlete.user).get(reverse("comment_unread_badge")).content.decode()

    assert "comment-badge-count" not in badge


@pytest.mark.parametrize("threads", [1, 8])
def test_unread_counts_cost_one_query_whatever_the_number_of_threads(
    athlete: Athlete, coach: User, threads: int, django_assert_num_queries: Any
) -> None:
    for day in range(threads):
        activity = recorded(athlete, DAY + dt.timedelta(days=day))
        comment_add(author=coach, body="Nice", activity=activity)

    with django_assert_num_queries(1):
        assert unread_comment_count(user=athlete.user) == threads
    with django_assert_num_queries(2):  # unread comments, then their activities (no session)
        assert len(unread_threads(user=athlete.user)) == threads


def test_a_thread_of_an_unknown_kind_is_not_found(activity: Activity) -> None:
    url = reverse("comment_thread", args=[activity.athlete_id, "goal", activity.id])

    assert client_for(activity.athlete.user).get(url).status_code == 404


def test_every_page_loads_the_unread_badge_for_logged_in_users_only(athlete: Athlete) -> None:
    badge = f'hx-get="{reverse("comment_unread_badge")}"'
    page = reverse("athlete_detail", args=[athlete.id])

    assert badge in client_for(athlete.user).get(page).content.decode()
    assert badge not in Client().get(reverse("account_login")).content.decode()
