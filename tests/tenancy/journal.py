"""Tenancy rows of the journal: RPE and notes, the RPE prompt, comments, links, the unlinked
list and the calendar feed (coaching/urls/journal.py)."""

from __future__ import annotations

from typing import Any

from coaching.models import PlannedSession
from coaching.services.comments import comment_add
from coaching.services.feeds import calendar_feed_regenerate
from coaching.services.linking import link_manual
from coaching.services.sessions import planned_session_create
from tests.tenancy.base import ACTED, LOGIN, READ, WRITE, Row, _all, _athlete


def _activity(w: dict[str, Any]) -> dict[str, Any]:
    return {"athlete_id": w["athlete"].id, "activity_id": w["activity"].id}


def _thread(w: dict[str, Any]) -> dict[str, Any]:
    return {"athlete_id": w["athlete"].id, "kind": "activity", "object_id": w["activity"].id}


# The athlete's own calendar URL: their coaches are refused, everyone else does not see it.
OWN_ONLY = READ | {"coach": 403, "view_coach": 403}

# The athlete's journal (RPE, feel, notes): the athlete alone writes it; their coaches, whatever
# their rights, read it and comment (DESIGN "Permissions"): a write from them is 403.
JOURNAL_WRITE = READ | {"coach": 403, "view_coach": 403}

ROWS: list[Row] = [
    Row("activity_journal", READ, _activity),
    Row("activity_journal", JOURNAL_WRITE | {"athlete": 302}, _activity, method="post"),
    Row("rpe_prompt", READ, _athlete),
    Row(
        "rpe_prompt_log",
        JOURNAL_WRITE,
        _activity,
        method="post",
        data=lambda w: {"rpe": "5", "feel": "4"},
    ),
    Row("comment_thread", READ, _thread),
    Row("comment_thread", WRITE, _thread, method="post", data=lambda w: {"body": "Nice run!"}),
    Row(
        "comment_thread_read",
        READ | {"athlete": 204, "coach": 204, "view_coach": 204},
        _thread,
        method="post",
    ),
    Row(
        "comment_delete",
        _all(404, athlete=200, coach=403, view_coach=403),
        lambda w: {"athlete_id": w["athlete"].id, "comment_id": w["comment"].id},
        method="post",
    ),
    Row("comment_inbox", _all(200)),
    Row("comment_unread_badge", _all(200)),
    Row(
        "link_create",
        WRITE | ACTED,
        _athlete,
        method="post",
        data=lambda w: {"activity": w["activity"].id, "session": w["session"].id},
    ),
    Row(
        "link_remove",
        WRITE | ACTED,
        lambda w: {"athlete_id": w["athlete"].id, "link_id": w["link"].id},
        method="post",
    ),
    Row("unlinked", READ, _athlete),
    Row("calendar_feed", OWN_ONLY, _athlete),
    Row("calendar_feed_regenerate", OWN_ONLY | {"athlete": 302}, _athlete, method="post"),
    # Public by design: whoever holds the token reads the feed, logged in or not.
    Row("calendar_feed_ics", _all(200, anon=200), lambda w: {"token": w["calendar_token"]}),
]
assert all(row.expect["anon"] in (LOGIN, 200) for row in ROWS)


def world(w: dict[str, Any]) -> dict[str, Any]:
    """A session on the activity's day linked to it by hand, a comment of the athlete on the
    activity, and the athlete's calendar feed token."""
    athlete, activity = w["athlete"], w["activity"]
    session = planned_session_create(
        athlete=athlete,
        by=w["users"]["coach"],
        day=activity.day,
        sport="run",
        title="Easy hour",
        session_type=PlannedSession._meta.get_field("session_type").default,
        duration_s=3600.0,
    )
    return {
        "session": session,
        "link": link_manual(session=session, activity=activity, by=None),
        "comment": comment_add(author=athlete.user, body="Legs felt heavy.", activity=activity),
        "calendar_token": calendar_feed_regenerate(athlete=athlete),
    }
