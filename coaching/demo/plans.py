"""Demo plans: each demo coach's workout library, and every demo athlete's plan from the first
demo week to three weeks ahead — the weekly pattern their demo activities follow (so most
sessions link to an activity, a few are missed), structured sessions from the library, next
weeks partly as drafts — plus RPE and feel on most past activities and a few comment threads.

Idempotent: templates are found by owner and name, sessions by `external_uid`
("demo-<day>-<n>"), so a second seed creates nothing.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from django.db import transaction

from activities.models import Activity
from activities.services.changes import activity_changed
from athletes.models import Athlete, CoachAthlete, User
from coaching.demo.synthetic.planned import STRUCTURED
from coaching.demo.synthetic.schedule import PATTERNS, volume_factor
from coaching.models import Comment, PlannedSession, SessionType, WorkoutTemplate
from coaching.selectors.context import workout_thresholds
from coaching.services.after import plan_load_handover
from coaching.services.estimates import estimate_fields
from coaching.services.linking import autolink_days
from coaching.workouts.text import parse
from coaching.workouts.tree import AthleteThresholds, to_data
from core.events import PlanChanged

AHEAD_WEEKS = 3
DRAFT_FROM_WEEK = 2  # weeks ahead of this one planned as drafts (not yet published)
RPE_SHARE = 0.8

# The library's templates are the structured sessions the demo activities follow step by step
# (`coaching.demo.synthetic.planned.STRUCTURED`: (sport, kind) → name, steps).
LIBRARY_TYPES = {"intervals": SessionType.INTERVALS, "tempo": SessionType.TEMPO}
TITLES = {
    "easy": ("Easy %(sport)s", SessionType.ENDURANCE),
    "long": ("Long %(sport)s", SessionType.LONG),
    "recovery": ("Recovery %(sport)s", SessionType.RECOVERY),
    "strength": ("Strength & core", SessionType.STRENGTH),
    "intervals": ("Intervals", SessionType.INTERVALS),
    "tempo": ("Tempo", SessionType.TEMPO),
}
SPORT_WORDS = {"run": "run", "ride": "ride", "swim": "swim", "hike": "hike", "strength": ""}
RPE_BY_KIND = {"recovery": 2, "easy": 3, "long": 5, "strength": 5, "tempo": 6, "intervals": 8}
COMMENTS = (
    ("coach", "Keep the recoveries really easy, the quality is in the reps."),
    ("athlete", "Legs felt heavy on the last two, but I held the pace."),
    ("coach", "Good job. We keep the same next week, then a lighter week."),
)


@dataclass(frozen=True, slots=True)
class DemoPlanAthlete:
    athlete: Athlete
    profile: str  # a key of coaching.demo.synthetic.schedule.PATTERNS


def _planner_of(athlete: Athlete) -> User:
    """Who plans for the athlete: their coach with edit rights, else themself."""
    planning = CoachAthlete.objects.editing().filter(athlete=athlete)
    relation = planning.select_related("coach").first()
    return relation.coach if relation is not None else athlete.user


def library_seed(*, owner: User) -> dict[tuple[str, str], WorkoutTemplate]:
    """The demo library of `owner` (created once)."""
    templates = {}
    for (sport, kind), (name, text) in STRUCTURED.items():
        session_type = LIBRARY_TYPES[kind]
        template, _created = WorkoutTemplate.objects.get_or_create(
            owner=owner,
            name=name,
            defaults={
                "sport": sport,
                "session_type": session_type,
                "steps": to_data(parse(text, sport=sport)),
                "tags": ["demo", kind],
            },
        )
        templates[(sport, kind)] = template
    return templates


def _weeks(first_monday: dt.date, last_day: dt.date) -> Iterator[dt.date]:
    monday = first_monday
    while monday <= last_day:
        yield monday
        monday += dt.timedelta(days=7)


def _session(
    athlete: Athlete,
    planner: User,
    day: dt.date,
    index: int,
    item: tuple[str, str, int, str],
    factor: float,
    templates: dict[tuple[str, str], WorkoutTemplate],
) -> PlannedSession:
    sport, kind, minutes, _sub_sport = item
    template = templates.get((sport, kind))
    title, session_type = TITLES[kind]
    session = PlannedSession(
        athlete=athlete,
        day=day,
        order=index,
        sport=sport,
        session_type=session_type,
        title=(title % {"sport": SPORT_WORDS.get(sport, sport)}).strip().capitalize(),
        source=PlannedSession.Source.COACH,
        created_by=planner,
        external_uid=f"demo-{day.isoformat()}-{index}",
    )
    if template is not None:
        session.title, session.steps = template.name, template.steps
        session.template, session.source = template, PlannedSession.Source.TEMPLATE
    else:
        session.duration_s = round(minutes * 60 * factor / 300) * 300  # whole 5 minutes
    return session


def _estimated(sessions: list[PlannedSession], athlete: Athlete) -> list[PlannedSession]:
    """Estimates with the thresholds of each (sport, week): a few queries per week."""
    cache: dict[tuple[str, dt.date], AthleteThresholds] = {}
    for session in sessions:
        key = (session.sport, session.day - dt.timedelta(days=session.day.weekday()))
        if key not in cache:
            cache[key] = workout_thresholds(athlete=athlete, sport=session.sport, day=key[1])
        for name, value in estimate_fields(session, thresholds=cache[key]).items():
            setattr(session, name, value)
    return sessions


def _plan(demo: DemoPlanAthlete, *, first_monday: dt.date, today: dt.date) -> list[PlannedSession]:
    athlete = demo.athlete
    planner = _planner_of(athlete)
    templates = library_seed(owner=planner)
    last_day = today + dt.timedelta(weeks=AHEAD_WEEKS, days=6 - today.weekday())
    weeks = (last_day - first_monday).days // 7 + 1
    this_monday = today - dt.timedelta(days=today.weekday())
    known = set(
        PlannedSession.objects.filter(
            athlete=athlete, external_uid__startswith="demo-"
        ).values_list("external_uid", flat=True)
    )
    sessions = []
    for number, monday in enumerate(_weeks(first_monday, last_day)):
        factor = volume_factor(number, weeks)
        draft = (monday - this_monday).days // 7 >= DRAFT_FROM_WEEK
        for weekday, items in PATTERNS[demo.profile].items():
            day = monday + dt.timedelta(days=weekday)
            for index, item in enumerate(items):
                session = _session(athlete, planner, day, index, item, factor, templates)
                if session.external_uid not in known:
                    session.hidden = draft
                    sessions.append(session)
    return _estimated(sessions, athlete)


def _journal(athlete: Athlete, *, since: dt.date, today: dt.date, seed: int) -> None:
    """RPE and feel on most past activities without them (each activity's own draw, so a
    second seed leaves the unrated ones unrated); their metrics follow (announced)."""
    activities = Activity.objects.filter(
        athlete=athlete, day__range=(since, today), rpe__isnull=True
    ).select_related("link__session")
    for activity in activities:
        rng = random.Random(f"rpe-{seed}-{activity.started_at.isoformat()}")  # noqa: S311
        if rng.random() > RPE_SHARE:
            continue
        session = getattr(getattr(activity, "link", None), "session", None)
        kind = _kind_of(session)
        activity.rpe = max(1, min(10, RPE_BY_KIND.get(kind, 4) + rng.choice((-1, 0, 0, 1))))
        activity.feel = rng.choice((3, 4, 4, 5)) if activity.rpe < 8 else rng.choice((2, 3, 4))
        activity.save(update_fields=["rpe", "feel", "updated_at"])
        activity_changed(activity)


def _kind_of(session: PlannedSession | None) -> str:
    if session is None:
        return "easy"
    for kind, (_title, session_type) in TITLES.items():
        if session_type == session.session_type:
            return kind
    return "easy"


def _comments(athlete: Athlete, planner: User, today: dt.date) -> None:
    """A short thread on the newest linked interval session, once."""
    session = (
        PlannedSession.objects.filter(
            athlete=athlete, day__lt=today, link__isnull=False, session_type=SessionType.INTERVALS
        )
        .order_by("-day")
        .first()
    )
    if session is None or Comment.objects.filter(session=session).exists():
        return
    authors = {"coach": planner, "athlete": athlete.user}
    Comment.objects.bulk_create(
        Comment(athlete=athlete, author=authors[who], session=session, body=body)
        for who, body in COMMENTS
    )


def demo_plans_seed(
    *, athletes: Sequence[DemoPlanAthlete], weeks: int, seed: int, today: dt.date
) -> int:
    """Plans, links, RPE and comments for the demo athletes; returns sessions created."""
    first_monday = today - dt.timedelta(weeks=weeks, days=today.weekday())
    created = 0
    for demo in athletes:
        with transaction.atomic():
            sessions = _plan(demo, first_monday=first_monday, today=today)
            PlannedSession.objects.bulk_create(sessions)
            created += len(sessions)
            days = {
                first_monday + dt.timedelta(days=n) for n in range((today - first_monday).days + 1)
            }
            autolink_days(athlete_id=demo.athlete.id, days=days)
            # The plan's load per day to analytics, as a PlanChanged would (bulk_create sends
            # none): the planned column and the forecast to race day read it.
            planned_days = tuple(sorted({session.day for session in sessions}))
            plan_load_handover(PlanChanged(athlete_id=demo.athlete.id, days=planned_days))
            _journal(demo.athlete, since=first_monday, today=today, seed=seed)
            _comments(demo.athlete, _planner_of(demo.athlete), today)
    return created
