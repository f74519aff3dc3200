"""Reads of the athlete's home: today's sessions with their steps in words, yesterday's
activities and the recent ones still waiting for an RPE, this week's strip (planned vs done per
day, compliance) and the next race.

The planner's own reads (`plan_days`, the totals, `period_compliance`) over yesterday and this
week, so the home and the planner never disagree. A fixed number of queries whatever the number
of sessions and activities: the planning right, the sessions, the activities, the week's goals
(`plan_days`), the activities waiting for an RPE and the next race.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from activities.models import Activity
from athletes.models import Athlete, Goal, User
from coaching.display.workout import StepRow, step_rows
from coaching.selectors.compliance import SessionPlan
from coaching.selectors.journal import rpe_prompt_list
from coaching.selectors.planner import (
    WEEK_DAYS,
    DayPlan,
    Totals,
    actual_totals,
    period_compliance,
    plan_can_edit,
    plan_days,
    planned_totals,
    week_start_of,
)
from coaching.workouts.scoring import Tally
from coaching.workouts.tree import stored_workout

DAY = dt.timedelta(days=1)
RACE_PRIORITIES = (Goal.Priority.A, Goal.Priority.B)


@dataclass(frozen=True, slots=True)
class TodaySession:
    """A session of today with its steps in words (`rows` empty without structured steps)."""

    plan: SessionPlan
    rows: list[StepRow]


@dataclass(frozen=True, slots=True)
class StripDay:
    """One day of the week strip: planned and done (time and load); its sessions carry their
    verdicts."""

    plan: DayPlan
    planned: Totals
    actual: Totals


@dataclass(frozen=True, slots=True)
class NextRace:
    """The next A race (else B race) from today on, and the days left before it."""

    goal: Goal
    days_to_go: int


@dataclass(frozen=True, slots=True)
class HomePlan:
    """What the athlete's home shows from the plan and the journal."""

    athlete: Athlete
    today: DayPlan
    sessions: list[TodaySession]
    yesterday: DayPlan
    rpe_waiting: list[Activity]
    week: list[StripDay]
    week_planned: Totals
    week_actual: Totals
    compliance: Tally
    race: NextRace | None


def home_plan(*, viewer: User, athlete: Athlete, today: dt.date) -> HomePlan:
    """The athlete's day (`today`, athlete-local), yesterday, this week (Monday first) and
    the next race, as `viewer` may see them (drafts only for one who plans). Six queries."""
    start = week_start_of(today)
    first = min(start, today - DAY)
    can_edit = plan_can_edit(viewer=viewer, athlete=athlete)
    days = plan_days(
        viewer=viewer,
        athlete=athlete,
        first=first,
        last=start + (WEEK_DAYS - 1) * DAY,
        drafts=can_edit,
        today=today,
    )
    by_day = {day.day: day for day in days}
    week = [by_day[start + n * DAY] for n in range(WEEK_DAYS)]
    return HomePlan(
        athlete=athlete,
        today=by_day[today],
        sessions=[_today_session(plan, units=athlete.units) for plan in by_day[today].sessions],
        yesterday=by_day[today - DAY],
        rpe_waiting=rpe_waiting(viewer=viewer, athlete=athlete, today=today),
        week=[StripDay(day, planned_totals([day]), actual_totals([day])) for day in week],
        week_planned=planned_totals(week),
        week_actual=actual_totals(week),
        compliance=period_compliance(week),
        race=next_race(viewer=viewer, athlete=athlete, today=today),
    )


def _today_session(plan: SessionPlan, *, units: str) -> TodaySession:
    session = plan.session
    workout = stored_workout(session.steps)
    return TodaySession(plan, step_rows(workout, sport=session.sport, units=units))


def rpe_waiting(*, viewer: User, athlete: Athlete, today: dt.date) -> list[Activity]:
    """Yesterday's and today's activities without an RPE (the RPE prompt's, narrowed to these
    two days), newest first. One query."""
    waiting = rpe_prompt_list(viewer=viewer, athlete=athlete, today=today)
    return list(waiting.filter(day__gte=today - DAY))


def next_race(*, viewer: User, athlete: Athlete, today: dt.date) -> NextRace | None:
    """The athlete's next A race from today on, else their next B race. One query."""
    goals = Goal.objects.visible_to(viewer).filter(
        athlete=athlete, race_on__gte=today, priority__in=RACE_PRIORITIES
    )
    goal = goals.order_by("priority", "race_on", "id").first()
    return None if goal is None else NextRace(goal, (goal.race_on - today).days)
