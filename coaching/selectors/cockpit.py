"""The coach's cockpit: one row per athlete the coach sees — the week planned vs done, its
compliance, Fitness / Fatigue / Form today, the last activity, the next A race and what waits
for the coach (unlinked activities, missing RPE, unread comments, connection problems).

A fixed number of queries whatever the number of athletes and the length of their history:
every read covers all the coach's athletes at once (grouped by athlete, or bounded by a window
of days), never one query per athlete. "Today" is each athlete's own (their time zone): the
windows that depend on it are built as one OR of per-day groups of athletes.

Everything goes through the one door: `Athlete.objects.visible_to(viewer)`, and activities,
sessions, links, daily loads and comments as the viewer may see them (a coach without the
athlete's Strava consent sees none of the Strava-sourced activities, nor their load).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, OuterRef, Q, Subquery
from django.utils import timezone

from activities.models import Activity
from analytics.models import DailyLoad
from analytics.selectors import StateNow, state_now
from analytics.selectors.fitness import WARM_UP_DAYS
from athletes.models import Athlete, Goal, Group
from coaching.models import PlannedSession
from coaching.selectors.comments import unread_comments
from coaching.selectors.compliance import (
    HEAVY_METRICS,
    Done,
    SessionPlan,
    compliance_by_athlete,
    compliance_rolling,
    done_of,
)
from coaching.selectors.planner import (
    WEEK_DAYS,
    DayPlan,
    Totals,
    WeekNavigation,
    actual_totals,
    planned_totals,
    week_start_of,
)
from coaching.selectors.unlinked import WINDOW_WEEKS
from coaching.workouts.scoring import Tally
from core.wiring import wired

RPE_DAYS = 7
ESTIMATES = ("est_duration_s", "est_distance_m", "est_dist_eq_km", "est_load")
FITNESS_CHANGE_DAYS = 7


# --- rows -------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class WeekCompliance:
    """The week's compliance and the rolling one over the 28 days ending with the week
    (`coaching.selectors.compliance`: sessions per verdict, %, unplanned activities)."""

    week: Tally
    rolling: Tally


@dataclass(frozen=True, slots=True)
class CockpitRow:
    """One athlete's line. `today` is the athlete's own; `planned` sums the estimates of the
    week's published sessions, `done` what every activity of the week did (as the planner)."""

    athlete: Athlete
    today: dt.date
    planned: Totals
    done: Totals
    compliance: WeekCompliance
    state: StateNow | None
    last_activity: Done | None
    next_race: Goal | None
    unlinked: int
    without_rpe: int
    unread: int
    connection_problems: int

    @property
    def time_ratio(self) -> float | None:
        return _ratio(self.done.duration_s, self.planned.duration_s)

    @property
    def distance_ratio(self) -> float | None:
        return _ratio(self.done.distance_m, self.planned.distance_m)

    @property
    def dist_eq_ratio(self) -> float | None:
        return _ratio(self.done.dist_eq_km, self.planned.dist_eq_km)

    @property
    def load_ratio(self) -> float | None:
        return _ratio(self.done.load, self.planned.load)

    @property
    def waiting(self) -> int:
        """Everything that waits for the coach (or the athlete), summed."""
        return self.unlinked + self.without_rpe + self.unread + self.connection_problems

    @property
    def days_to_race(self) -> int | None:
        return None if self.next_race is None else (self.next_race.race_on - self.today).days


def _ratio(done: float | None, planned: float | None) -> float | None:
    """Done / planned; None when nothing (or nothing known) was planned."""
    if not planned or done is None:
        return None
    return done / planned


@dataclass(frozen=True, slots=True)
class Cockpit(WeekNavigation):
    """The week (Monday `week_start` to Sunday) of every athlete the coach sees."""

    week_start: dt.date
    this_week: dt.date
    rows: list[CockpitRow]


# --- the queries ------------------------------------------------------------------------------


def cockpit_get(
    *, viewer: Any, week_start: dt.date, group: Group | None = None, now: dt.datetime | None = None
) -> Cockpit:
    """Every athlete the viewer sees (only `group`'s when given), with the week holding
    `week_start` and their state today. Thirteen queries whatever the athletes and history."""
    now = now or timezone.now()
    start = week_start_of(week_start)
    athletes = _athletes(viewer=viewer, group=group)
    todays = {athlete.id: athlete.local_today(now) for athlete in athletes}
    ids = list(todays)
    days = _week_days(viewer=viewer, ids=ids, start=start, todays=todays)
    compliance = _compliance(viewer=viewer, athletes=athletes, start=start, todays=todays)
    states = _states(viewer=viewer, ids=ids, todays=todays)
    last = _last_activities(viewer=viewer, ids=ids)
    races = _next_races(viewer=viewer, ids=ids, todays=todays)
    counts = _activity_counts(viewer=viewer, ids=ids, todays=todays)
    unread = _unread(viewer=viewer, ids=ids)
    problems: dict[int, int] = wired("CONNECTION_PROBLEM_COUNTS")(athlete_ids=ids)
    rows = [
        CockpitRow(
            athlete=athlete,
            today=todays[athlete.id],
            planned=planned_totals(days[athlete.id]),
            done=actual_totals(days[athlete.id]),
            compliance=compliance[athlete.id],
            state=states.get(athlete.id),
            last_activity=last.get(athlete.id),
            next_race=races.get(athlete.id),
            unlinked=counts.get(athlete.id, (0, 0))[0],
            without_rpe=counts.get(athlete.id, (0, 0))[1],
            unread=unread.get(athlete.id, 0),
            connection_problems=problems.get(athlete.id, 0),
        )
        for athlete in athletes
    ]
    this_week = week_start_of(timezone.localdate(now))
    return Cockpit(week_start=start, this_week=this_week, rows=rows)


def _athletes(*, viewer: Any, group: Group | None) -> list[Athlete]:
    athletes = Athlete.objects.visible_to(viewer).select_related("user")
    if group is not None:
        athletes = athletes.filter(coach_groups=group)
    return sorted(athletes, key=lambda athlete: str(athlete).casefold())


def per_today(
    todays: dict[int, dt.date], window: Callable[[dt.date], tuple[dt.date, dt.date]]
) -> Q:
    """One condition over every athlete: the activity's day in `window(today)` of its own
    athlete (athletes grouped by their today, a handful of groups at most)."""
    groups: defaultdict[dt.date, list[int]] = defaultdict(list)
    for athlete_id, today in todays.items():
        groups[today].append(athlete_id)
    condition = Q(pk__in=[])
    for today, ids in groups.items():
        condition |= Q(athlete_id__in=ids, day__range=window(today))
    return condition


def _week_days(
    *, viewer: Any, ids: list[int], start: dt.date, todays: dict[int, dt.date]
) -> dict[int, list[DayPlan]]:
    """Each athlete's days of the week of `start` with its published sessions (their
    estimates) and every activity the viewer may see. Two queries."""
    last = start + dt.timedelta(days=WEEK_DAYS - 1)
    days = {
        athlete_id: {
            start + dt.timedelta(days=n): DayPlan(start + dt.timedelta(days=n), today)
            for n in range(WEEK_DAYS)
        }
        for athlete_id, today in todays.items()
    }
    sessions = (
        PlannedSession.objects.visible_to(viewer)
        .published()
        .filter(athlete_id__in=ids, day__range=(start, last))
        .only("athlete_id", "day", *ESTIMATES)
    )
    for session in sessions:
        days[session.athlete_id][session.day].sessions.append(SessionPlan(session, None, None))
    activities = (
        Activity.objects.visible_to(viewer)
        .filter(athlete_id__in=ids, day__range=(start, last))
        .select_related("metrics")
        .defer(*HEAVY_METRICS)
    )
    for activity in activities:
        days[activity.athlete_id][activity.day].activities.append(done_of(activity))
    return {athlete_id: list(by_day.values()) for athlete_id, by_day in days.items()}


def _compliance(
    *, viewer: Any, athletes: list[Athlete], start: dt.date, todays: dict[int, dt.date]
) -> dict[int, WeekCompliance]:
    """The week's and the rolling 28 days' compliance of every athlete. Four queries. One
    "today" for all (the earliest of the athletes'): a session is never called missed before
    its day is over for its athlete."""
    if not todays:
        return {}
    last = start + dt.timedelta(days=WEEK_DAYS - 1)
    today = min(todays.values())
    week = compliance_by_athlete(
        viewer=viewer, athletes=athletes, first=start, last=last, today=today
    )
    rolling = compliance_rolling(viewer=viewer, athletes=athletes, last=last, today=today)
    return {
        athlete.id: WeekCompliance(week[athlete.id], rolling[athlete.id]) for athlete in athletes
    }


def _states(*, viewer: Any, ids: list[int], todays: dict[int, dt.date]) -> dict[int, StateNow]:
    """Fitness / Fatigue / Form up to each athlete's today, their 7-day change and the ACWR
    (the rows of the 28 days before today feed it). One query over a bounded window."""
    if not todays:
        return {}
    first = min(todays.values()) - dt.timedelta(days=WARM_UP_DAYS + FITNESS_CHANGE_DAYS)
    rows = (
        DailyLoad.objects.visible_to(viewer)
        .filter(athlete_id__in=ids, day__range=(first, max(todays.values())))
        .order_by("athlete_id", "day")
    )
    by_athlete: defaultdict[int, list[DailyLoad]] = defaultdict(list)
    for row in rows:
        if row.day <= todays[row.athlete_id]:
            by_athlete[row.athlete_id].append(row)
    states = {athlete_id: state_now(loads) for athlete_id, loads in by_athlete.items()}
    return {athlete_id: state for athlete_id, state in states.items() if state is not None}


def _last_activities(*, viewer: Any, ids: list[int]) -> dict[int, Done]:
    """Each athlete's latest activity the viewer may see, with its load. One query: the
    latest id is looked up once per athlete (an index walk), not once per activity."""
    visible = Activity.objects.visible_to(viewer)
    latest = visible.filter(athlete_id=OuterRef("pk")).order_by("-started_at", "-id")
    latest_ids = Athlete.objects.filter(id__in=ids).values(last=Subquery(latest.values("id")[:1]))
    activities = visible.filter(id__in=latest_ids).select_related("metrics").defer(*HEAVY_METRICS)
    return {activity.athlete_id: done_of(activity) for activity in activities}


def _next_races(*, viewer: Any, ids: list[int], todays: dict[int, dt.date]) -> dict[int, Goal]:
    """Each athlete's next A race from their today on (only upcoming A goals are read)."""
    if not todays:
        return {}
    goals = (
        Goal.objects.visible_to(viewer)
        .filter(athlete_id__in=ids, priority=Goal.Priority.A, race_on__gte=min(todays.values()))
        .order_by("race_on", "id")
    )
    races: dict[int, Goal] = {}
    for goal in goals:
        if goal.race_on >= todays[goal.athlete_id]:
            races.setdefault(goal.athlete_id, goal)
    return races


def _activity_counts(
    *, viewer: Any, ids: list[int], todays: dict[int, dt.date]
) -> dict[int, tuple[int, int]]:
    """{athlete: (unlinked activities of the last 8 weeks — `unlinked.unlinked_list`'s
    definition —, activities of the last 7 days without RPE)}. One query."""
    if not todays:
        return {}
    unlinked_window = per_today(todays, lambda day: (day - dt.timedelta(weeks=WINDOW_WEEKS), day))
    rpe_window = per_today(todays, lambda day: (day - dt.timedelta(days=RPE_DAYS - 1), day))
    rows = (
        Activity.objects.visible_to(viewer)
        .filter(unlinked_window | rpe_window)
        .order_by()
        .values("athlete_id")
        .annotate(
            unlinked=Count("id", filter=unlinked_window & Q(link__isnull=True)),
            without_rpe=Count("id", filter=rpe_window & Q(rpe__isnull=True)),
        )
        .values_list("athlete_id", "unlinked", "without_rpe")
    )
    return {athlete_id: (unlinked, rpe) for athlete_id, unlinked, rpe in rows}


def _unread(*, viewer: Any, ids: list[int]) -> dict[int, int]:
    """Comments the viewer has not read, per athlete (`comments.unread_comments`). One query."""
    rows = (
        unread_comments(user=viewer)
        .filter(athlete_id__in=ids)
        .order_by()
        .values("athlete_id")
        .annotate(unread=Count("id"))
        .values_list("athlete_id", "unread")
    )
    return dict(rows)


# --- sorting ------------------------------------------------------------------------------------


SORTS: dict[str, Callable[[CockpitRow], float | str | dt.datetime | None]] = {
    "name": lambda row: str(row.athlete).casefold(),
    "time": lambda row: row.done.duration_s,
    "distance": lambda row: row.done.distance_m,
    "disteq": lambda row: row.done.dist_eq_km,
    "load": lambda row: row.done.load,
    "week": lambda row: row.compliance.week.pct,
    "rolling": lambda row: row.compliance.rolling.pct,
    "missed": lambda row: row.compliance.week.missed,
    "fitness": lambda row: row.state.latest.fitness if row.state else None,
    "fatigue": lambda row: row.state.latest.fatigue if row.state else None,
    "form": lambda row: row.state.latest.form if row.state else None,
    "acwr": lambda row: _finite(row.state.latest.acwr) if row.state else None,
    "last": lambda row: row.last_activity.activity.started_at if row.last_activity else None,
    "race": lambda row: row.days_to_race,
    "todo": lambda row: row.waiting,
    "unlinked": lambda row: row.unlinked,
    "rpe": lambda row: row.without_rpe,
    "unread": lambda row: row.unread,
    "problems": lambda row: row.connection_problems,
}


def _finite(value: float) -> float | None:
    return value if value == value else None  # NaN (no 28 days yet) sorts with the unknown


def cockpit_sort(rows: Iterable[CockpitRow], *, sort: str) -> tuple[list[CockpitRow], str]:
    """The rows by one of `SORTS` ("-name" descending); unknown values last either way. An
    unknown key sorts by name. Returns the rows and the key used."""
    descending = sort.startswith("-")
    name = sort.removeprefix("-")
    if name not in SORTS:
        name, descending = "name", False
    value = SORTS[name]
    by_name = sorted(rows, key=lambda row: str(row.athlete).casefold())
    known = [row for row in by_name if value(row) is not None]
    unknown = [row for row in by_name if value(row) is None]
    known.sort(key=value, reverse=descending)  # type: ignore[arg-type]
    return known + unknown, f"-{name}" if descending else name
