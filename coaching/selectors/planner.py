"""Reads of the planner: a week or a month of an athlete's plan beside what was done, totals
planned vs actual, and compliance (DESIGN §6).

A fixed number of queries whatever the number of sessions and activities: one for the
sessions (with their link, the linked activity and its metrics), one for the activities of the
days (with their metrics and link), one for the goals — plus one to know whether the viewer
plans for this athlete, and the week's two for the rolling 4-week compliance
(`coaching.selectors.compliance`).

Who plans is the one door's rule, `Athlete.objects.plannable_by`: a coach with `edit` or
`full` rights, and a self-coached athlete (their own coach, `CoachAthlete.is_self_coached`).
The athlete of a coach sees their plan read-only and never sees drafts.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, QuerySet

from activities.models import Activity
from athletes.models import SPORT_CHOICES, Athlete, Goal, Group
from athletes.selectors.athletes import athlete_get
from coaching.models import Link, PlannedSession
from coaching.selectors.compliance import (
    HEAVY_METRICS,
    Done,
    SessionPlan,
    compliance_rolling,
    done_of,
    related,
    session_plan,
)
from coaching.workouts.scoring import Tally, tally

WEEK_DAYS = 7


# --- who plans --------------------------------------------------------------------------------


def plan_can_edit(*, viewer: Any, athlete: Athlete) -> bool:
    """Whether the viewer plans for this athlete: a coach with edit rights, or the athlete
    themself when self-coached."""
    return Athlete.objects.plannable_by(viewer).filter(id=athlete.id).exists()


def athlete_get_for_plan(*, viewer: Any, athlete_id: int) -> Athlete:
    """An athlete whose plan the viewer may change: 404 when not visible, 403 when read-only."""
    athlete = athlete_get(viewer=viewer, athlete_id=athlete_id)
    if not plan_can_edit(viewer=viewer, athlete=athlete):
        raise PermissionDenied
    return athlete


def planner_athletes(*, viewer: Any) -> QuerySet[Athlete]:
    """Every athlete the viewer plans for (targets of a week copy), by name."""
    return Athlete.objects.plannable_by(viewer).select_related("user")


def planned_session_get(*, athlete: Athlete, session_id: int, drafts: bool) -> PlannedSession:
    """One session of this athlete (drafts only when `drafts`); DoesNotExist otherwise."""
    sessions = PlannedSession.objects.filter(athlete=athlete)
    if not drafts:
        sessions = sessions.published()
    return sessions.select_related("athlete").get(id=session_id)


def planner_groups(*, viewer: Any) -> list[tuple[str, list[int]]]:
    """The viewer's groups, each with the ids of its athletes (to tick them all at once in
    the week copy). Two queries."""
    groups = Group.objects.visible_to(viewer).prefetch_related("athletes")
    return [(group.name, [athlete.id for athlete in group.athletes.all()]) for group in groups]


def planned_session_for_copy(*, viewer: Any, session_id: int) -> PlannedSession | None:
    """A session the viewer may copy: one of any athlete they plan for (drafts included)."""
    athletes = planner_athletes(viewer=viewer).values("id")
    return PlannedSession.objects.filter(athlete__in=athletes, id=session_id).first()


# --- dates ------------------------------------------------------------------------------------


def week_start_of(day: dt.date) -> dt.date:
    """The Monday of `day`'s week (ISO weeks: Monday to Sunday)."""
    return day - dt.timedelta(days=day.weekday())


def parse_week(text: str | None, *, today: dt.date) -> dt.date:
    """The Monday of the week holding the date `text` (YYYY-MM-DD); today's when unreadable."""
    try:
        return week_start_of(dt.date.fromisoformat(text or ""))
    except ValueError:
        return week_start_of(today)


def parse_month(text: str | None, *, today: dt.date) -> dt.date:
    """The first day of the month `text` (YYYY-MM); today's month when unreadable."""
    try:
        return dt.date.fromisoformat(f"{text}-01") if text else today.replace(day=1)
    except ValueError:
        return today.replace(day=1)


# --- rows ---------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class DayPlan:
    """One athlete-local day: its sessions in order, the activities not linked to any of
    them, and the goals (races) on that day."""

    day: dt.date
    today: dt.date
    sessions: list[SessionPlan] = field(default_factory=list)
    unlinked: list[Done] = field(default_factory=list)
    goals: list[Goal] = field(default_factory=list)
    activities: list[Done] = field(default_factory=list)

    @property
    def unplanned(self) -> list[Done]:
        """The activities of the day linked to no session at all (done without a plan)."""
        return [done for done in self.unlinked if done.session_id is None]

    @property
    def is_today(self) -> bool:
        return self.day == self.today

    @property
    def is_past(self) -> bool:
        return self.day < self.today

    @property
    def is_future(self) -> bool:
        return self.day > self.today


@dataclass(frozen=True, slots=True)
class Totals:
    """Sums over a period: time (s), distance (m), distance-equivalent (km) and load. Each
    is 0 when nothing was planned (or done), None when there was but none of it is known."""

    duration_s: float | None = 0.0
    distance_m: float | None = 0.0
    dist_eq_km: float | None = 0.0
    load: float | None = 0.0


def _sum(values: list[float | None]) -> float | None:
    known = [value for value in values if value is not None]
    if values and not known:
        return None
    return float(sum(known))


def planned_totals(days: list[DayPlan]) -> Totals:
    """Estimates summed over the sessions shown (drafts included for those who plan)."""
    return sessions_totals([plan.session for day in days for plan in day.sessions])


def sessions_totals(sessions: list[PlannedSession]) -> Totals:
    """The estimates (`est_*`) of these sessions summed."""
    return Totals(
        duration_s=_sum([s.est_duration_s for s in sessions]),
        distance_m=_sum([s.est_distance_m for s in sessions]),
        dist_eq_km=_sum([s.est_dist_eq_km for s in sessions]),
        load=_sum([s.est_load for s in sessions]),
    )


def actual_totals(days: list[DayPlan]) -> Totals:
    """What every activity of the days did (linked or not)."""
    return done_totals([item for day in days for item in day.activities])


def done_totals(done: list[Done]) -> Totals:
    """What these activities did, summed."""
    return Totals(
        duration_s=_sum([d.duration_s for d in done]),
        distance_m=_sum([d.distance_m for d in done]),
        dist_eq_km=_sum([d.dist_eq_km for d in done]),
        load=_sum([d.load for d in done]),
    )


@dataclass(frozen=True, slots=True)
class SportTotals:
    """One sport's planned and done totals over a period, and how many sessions and
    activities they sum."""

    sport: str
    planned: Totals
    actual: Totals
    sessions: int
    activities: int


def sport_totals(days: list[DayPlan]) -> list[SportTotals]:
    """Planned and done totals per sport over the days, in the order of SPORT_CHOICES (only
    the sports planned or done)."""
    sessions = [plan.session for day in days for plan in day.sessions]
    done = [item for day in days for item in day.activities]
    totals = []
    for sport, _label in SPORT_CHOICES:
        planned = [s for s in sessions if s.sport == sport]
        actual = [d for d in done if d.activity.sport == sport]
        if planned or actual:
            totals.append(
                SportTotals(
                    sport,
                    sessions_totals(planned),
                    done_totals(actual),
                    len(planned),
                    len(actual),
                )
            )
    return totals


def period_compliance(days: list[DayPlan]) -> Tally:
    """The judged sessions of the days counted per verdict (DESIGN §6), and the activities
    done for no published session of theirs (unplanned)."""
    plans = [plan for day in days for plan in day.sessions]
    published = {plan.session.id for plan in plans if not plan.session.hidden}
    activities = [done for day in days for done in day.activities]
    unplanned = sum(done.session_id not in published for done in activities)
    return tally((plan.verdict for plan in plans), unplanned=unplanned)


# --- the queries ------------------------------------------------------------------------------


def plan_days(
    *,
    viewer: Any,
    athlete: Athlete,
    first: dt.date,
    last: dt.date,
    drafts: bool,
    today: dt.date,
) -> list[DayPlan]:
    """Every day from `first` to `last` with its sessions (drafts only when `drafts`),
    activities and goals. Activities and links only as the viewer may see them (the one door:
    a coach without the athlete's consent sees no Strava-sourced activity). Three queries."""
    sessions = PlannedSession.objects.filter(athlete=athlete, day__range=(first, last))
    if not drafts:
        sessions = sessions.published()
    shown_links = Link.objects.visible_to(viewer).filter(session_id=OuterRef("pk"))
    sessions = (
        sessions.select_related("link__activity__metrics")
        .defer(*(f"link__activity__{name}" for name in HEAVY_METRICS))
        .annotate(link_shown=Exists(shown_links))
    )
    activities = (
        Activity.objects.visible_to(viewer)
        .filter(athlete=athlete, day__range=(first, last))
        .select_related("metrics", "link")
        .defer(*HEAVY_METRICS)
        .order_by("started_at", "id")
    )
    goals = Goal.objects.filter(athlete=athlete, race_on__range=(first, last))
    days = {
        first + dt.timedelta(days=n): DayPlan(first + dt.timedelta(days=n), today)
        for n in range((last - first).days + 1)
    }
    for session in sessions.order_by("day", "order", "id"):
        session.athlete = athlete  # already loaded: no query per session
        days[session.day].sessions.append(session_plan(session, today=today))
    shown = {plan.session.id for day in days.values() for plan in day.sessions}
    for activity in activities:
        _place_activity(days[activity.day], activity, shown)
    for goal in goals.order_by("race_on", "priority", "id"):
        days[goal.race_on].goals.append(goal)
    return list(days.values())


def _place_activity(day: DayPlan, activity: Activity, shown: set[int]) -> None:
    """Every activity counts in the day's actual; it is listed on its own unless it shows
    with a session of the period (the one it is linked to)."""
    done = done_of(activity)
    day.activities.append(done)
    link = related(activity, "link")
    if link is None or link.session_id not in shown:
        day.unlinked.append(done)


class WeekNavigation:
    """The end of a Monday-first week (`week_start`) and the weeks around it, for the pages
    that move week by week."""

    __slots__ = ()
    week_start: dt.date

    @property
    def week_end(self) -> dt.date:
        return self.week_start + dt.timedelta(days=WEEK_DAYS - 1)

    @property
    def previous_week(self) -> dt.date:
        return self.week_start - dt.timedelta(days=WEEK_DAYS)

    @property
    def next_week(self) -> dt.date:
        return self.week_start + dt.timedelta(days=WEEK_DAYS)


@dataclass(frozen=True, slots=True)
class WeekPlan(WeekNavigation):
    """The planner's week (Monday `week_start` to Sunday) for `viewer`."""

    athlete: Athlete
    week_start: dt.date
    today: dt.date
    can_edit: bool
    days: list[DayPlan]
    planned: Totals
    actual: Totals
    compliance: Tally
    rolling: Tally

    @property
    def this_week(self) -> dt.date:
        return week_start_of(self.today)

    @property
    def drafts(self) -> int:
        return sum(p.session.hidden for day in self.days for p in day.sessions)


def plan_week(*, viewer: Any, athlete: Athlete, week_start: dt.date, today: dt.date) -> WeekPlan:
    """The week starting on the Monday of `week_start`, as `viewer` may see it, with the
    compliance of the 4 weeks ending on its Sunday (`rolling`). Six queries."""
    start = week_start_of(week_start)
    end = start + dt.timedelta(days=WEEK_DAYS - 1)
    can_edit = plan_can_edit(viewer=viewer, athlete=athlete)
    days = plan_days(
        viewer=viewer, athlete=athlete, first=start, last=end, drafts=can_edit, today=today
    )
    rolling = compliance_rolling(viewer=viewer, athletes=[athlete], last=end, today=today)
    return WeekPlan(
        athlete=athlete,
        week_start=start,
        today=today,
        can_edit=can_edit,
        days=days,
        planned=planned_totals(days),
        actual=actual_totals(days),
        compliance=period_compliance(days),
        rolling=rolling[athlete.id],
    )


@dataclass(frozen=True, slots=True)
class MonthWeek:
    """One calendar row of the month view."""

    week_start: dt.date
    days: list[DayPlan]
    planned: Totals
    actual: Totals
    compliance: Tally
    sports: list[SportTotals]


@dataclass(frozen=True, slots=True)
class MonthPlan:
    """The calendar weeks (Monday to Sunday) that hold any day of `month` (its first day)."""

    athlete: Athlete
    month: dt.date
    today: dt.date
    can_edit: bool
    weeks: list[MonthWeek]

    @property
    def previous_month(self) -> dt.date:
        return (self.month - dt.timedelta(days=1)).replace(day=1)

    @property
    def next_month(self) -> dt.date:
        return (self.month + dt.timedelta(days=31)).replace(day=1)


def plan_month(*, viewer: Any, athlete: Athlete, month: dt.date, today: dt.date) -> MonthPlan:
    """The month holding `month` in calendar weeks, with weekly totals (all sports, and per
    sport). Four queries."""
    first_day = month.replace(day=1)
    last_day = (first_day + dt.timedelta(days=31)).replace(day=1) - dt.timedelta(days=1)
    first = week_start_of(first_day)
    last = week_start_of(last_day) + dt.timedelta(days=WEEK_DAYS - 1)
    can_edit = plan_can_edit(viewer=viewer, athlete=athlete)
    days = plan_days(
        viewer=viewer, athlete=athlete, first=first, last=last, drafts=can_edit, today=today
    )
    weeks = [days[index : index + WEEK_DAYS] for index in range(0, len(days), WEEK_DAYS)]
    return MonthPlan(
        athlete=athlete,
        month=first_day,
        today=today,
        can_edit=can_edit,
        weeks=[
            MonthWeek(
                week[0].day,
                week,
                planned_totals(week),
                actual_totals(week),
                period_compliance(week),
                sport_totals(week),
            )
            for week in weeks
        ],
    )
