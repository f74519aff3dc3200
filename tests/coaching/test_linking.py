"""Automatic and manual links between planned sessions and activities."""

from __future__ import annotations

import datetime as dt

import pytest

from activities.models import Activity
from activities.services.ingest import activity_ingest
from activities.types import NormalizedActivity, Outcome, Provider, SourceRef, Streams, Summary
from athletes.models import Athlete, User
from coaching.models import Link, LinkRefusal, PlannedSession
from coaching.services.linking import (
    Side,
    autolink_days,
    best_pairs,
    link_manual,
    link_remove,
    pair_score,
)
from coaching.services.sessions import planned_session_create
from core.sports import Sport

DAY = dt.date(2026, 3, 10)
pytestmark = pytest.mark.django_db


def _session(
    athlete: Athlete, coach: User, title: str, sport: str, minutes: float
) -> PlannedSession:
    return planned_session_create(
        athlete=athlete, by=coach, day=DAY, sport=sport, title=title, duration_s=minutes * 60
    )


def _recording(
    sport: str, hour: int, minutes: float, distance_m: float | None = None
) -> NormalizedActivity:
    return NormalizedActivity(
        sport=Sport(sport),
        sub_sport="generic",
        started_at=dt.datetime(DAY.year, DAY.month, DAY.day, hour, 0, tzinfo=dt.UTC),
        streams=Streams.empty(),
        summary=Summary(elapsed_s=minutes * 60, moving_s=minutes * 60, distance_m=distance_m),
    )


def _ingest(athlete: Athlete, recording: NormalizedActivity, ref: str) -> Activity:
    activity, _outcome = activity_ingest(
        athlete=athlete, normalized=recording, source=SourceRef(Provider.STRAVA, ref)
    )
    return activity


def _pairs(athlete: Athlete) -> set[tuple[str, float]]:
    return {
        (link.session.title, link.activity.moving_s or 0)
        for link in Link.objects.filter(athlete=athlete).select_related("session", "activity")
    }


def test_two_runs_on_one_day_pair_by_duration_even_against_the_order_of_the_day(
    athlete: Athlete, coach: User
) -> None:
    _session(athlete, coach, "Short shakeout", "run", 30)
    _session(athlete, coach, "Long run", "run", 90)
    _ingest(athlete, _recording("run", 7, 88), "a")
    _ingest(athlete, _recording("run", 18, 31), "b")

    autolink_days(athlete_id=athlete.id, days=[DAY])

    assert _pairs(athlete) == {("Short shakeout", 31 * 60), ("Long run", 88 * 60)}


def test_two_similar_runs_pair_in_the_order_of_the_day(athlete: Athlete, coach: User) -> None:
    _session(athlete, coach, "Morning easy", "run", 45)
    _session(athlete, coach, "Evening easy", "run", 45)
    _ingest(athlete, _recording("run", 7, 46), "a")
    _ingest(athlete, _recording("run", 19, 44), "b")

    autolink_days(athlete_id=athlete.id, days=[DAY])

    assert _pairs(athlete) == {("Morning easy", 46 * 60), ("Evening easy", 44 * 60)}


def test_a_run_and_a_ride_pair_by_sport_whatever_the_order(athlete: Athlete, coach: User) -> None:
    _session(athlete, coach, "Long ride", "ride", 90)
    _session(athlete, coach, "Brick run", "run", 30)
    _ingest(athlete, _recording("run", 7, 30), "a")
    _ingest(athlete, _recording("ride", 10, 88), "b")

    autolink_days(athlete_id=athlete.id, days=[DAY])

    assert _pairs(athlete) == {("Long ride", 88 * 60), ("Brick run", 30 * 60)}
    assert all(0 < link.confidence <= 1 for link in Link.objects.all())


def test_an_incompatible_sport_stays_unlinked_and_a_generic_recording_links(
    athlete: Athlete, coach: User
) -> None:
    _session(athlete, coach, "Swim", "swim", 45)
    _ingest(athlete, _recording("ride", 7, 45), "a")
    autolink_days(athlete_id=athlete.id, days=[DAY])
    assert not Link.objects.exists()

    _ingest(athlete, _recording("other", 12, 40), "b")
    autolink_days(athlete_id=athlete.id, days=[DAY])
    assert _pairs(athlete) == {("Swim", 40 * 60)}


def test_drafts_are_not_linked(athlete: Athlete, coach: User) -> None:
    planned_session_create(
        athlete=athlete, by=coach, day=DAY, sport="run", title="Draft", duration_s=1800, hidden=True
    )
    _ingest(athlete, _recording("run", 7, 30), "a")
    autolink_days(athlete_id=athlete.id, days=[DAY])
    assert not Link.objects.exists()


def test_a_manual_link_survives_re_ingest_and_the_auto_linker(
    athlete: Athlete, coach: User
) -> None:
    short = _session(athlete, coach, "Short", "run", 30)
    _session(athlete, coach, "Long", "run", 90)
    recording = _recording("run", 7, 88)
    long_run = _ingest(athlete, recording, "a")
    link_manual(session=short, activity=long_run, by=coach)

    again, outcome = activity_ingest(
        athlete=athlete, normalized=recording, source=SourceRef(Provider.STRAVA, "a")
    )
    merged, merged_outcome = activity_ingest(
        athlete=athlete,
        normalized=recording,
        source=SourceRef(Provider.DEVICE_FILE, "sha-of-the-watch-file"),
    )
    autolink_days(athlete_id=athlete.id, days=[DAY])

    assert (outcome, merged_outcome) == (Outcome.SKIPPED, Outcome.MERGED)
    assert again.id == merged.id == long_run.id
    link = Link.objects.get(activity=long_run)
    assert (link.session_id, link.kind, link.locked) == (short.id, "manual", True)
    assert link.created_by == coach  # who linked by hand
    assert Link.objects.count() == 1  # "Long" has no activity left to take


def test_an_unlinked_pair_is_never_linked_again_automatically(
    athlete: Athlete, coach: User
) -> None:
    session = _session(athlete, coach, "Easy", "run", 45)
    activity = _ingest(athlete, _recording("run", 7, 45), "a")
    autolink_days(athlete_id=athlete.id, days=[DAY])
    link = Link.objects.get()
    assert (link.session_id, link.activity_id, link.kind) == (session.id, activity.id, "auto")

    link_remove(link=link, by=coach)
    autolink_days(athlete_id=athlete.id, days=[DAY])

    assert not Link.objects.exists()
    assert LinkRefusal.objects.get(session=session, activity=activity).created_by == coach


def test_relinking_a_day_is_idempotent(athlete: Athlete, coach: User) -> None:
    _session(athlete, coach, "Easy", "run", 45)
    _ingest(athlete, _recording("run", 7, 45), "a")
    first = autolink_days(athlete_id=athlete.id, days=[DAY])
    ids = set(Link.objects.values_list("session_id", "activity_id"))
    second = autolink_days(athlete_id=athlete.id, days=[DAY])
    assert first == second == 1
    assert set(Link.objects.values_list("session_id", "activity_id")) == ids


def test_pair_score_prefers_the_closer_duration_and_refuses_other_sports() -> None:
    planned = Side(1, "run", 3600, None, 0)
    assert pair_score(planned, Side(2, "ride", 3600, None, 0)) is None
    close = pair_score(planned, Side(3, "run", 3500, None, 1))
    far = pair_score(planned, Side(4, "run", 1200, None, 0))
    assert close is not None and far is not None and close > far


def test_best_pairs_on_a_crowded_day_still_uses_each_side_once() -> None:
    sessions = [Side(i, "run", 60.0 * 2**i, None, i) for i in range(8)]
    activities = [Side(100 + i, "run", 60.0 * 2 ** (7 - i), None, i) for i in range(8)]
    pairs = best_pairs(sessions, activities, refused=set())
    assert len({s for s, _a, _c in pairs}) == len({a for _s, a, _c in pairs}) == 8
    assert {(s, a) for s, a, _c in pairs} == {(i, 100 + 7 - i) for i in range(8)}
