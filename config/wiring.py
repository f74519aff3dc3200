"""Who reacts to what: the ONE list of event subscribers, periodic sweepers and page panels.

A reader follows a change from here: the service that makes it publishes an event of
`core/events.py` in its transaction (`core.outbox.publish`); after commit each subscriber
below runs as its own Celery task (in this order when tasks run in-process), once, even when
Redis was away at the time (the outbox sweep sends again what was not delivered).

Sweepers run every PACELINE_SWEEP_S seconds (`core.sweep`, scheduled by Celery beat; `manage.py
sweep` runs them once): each finds durable work that is due and sends it again.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from activities import tasks as activities
from activities.services.archive_plan import ArchiveFormat
from analytics import panels as analytics_panels
from analytics import tasks as analytics
from athletes import tasks as athletes
from coaching import panels as coaching_panels
from coaching import tasks as coaching
from core.events import (
    ActivitiesChanged,
    Event,
    InvitationCreated,
    PlanChanged,
    ThresholdsChanged,
    TimeConstantsChanged,
)
from core.outbox import outbox_sweep
from integrations.garmin import schedule as garmin_schedule
from integrations.garmin import tasks as garmin
from integrations.garmin.export import GARMIN_EXPORT
from integrations.selectors import connection_problem_counts
from integrations.services.connections import login_attempts_sweep
from integrations.strava.export import STRAVA_EXPORT
from integrations.strava.schedule import strava_syncs_sweep
from integrations.trainingpeaks.schedule import calendar_pulls_sweep

SUBSCRIBERS: dict[type[Event], tuple[Any, ...]] = {
    # A file, a sync or a manual log created or changed activities (or one was deleted):
    ActivitiesChanged: (
        analytics.activities_changed_task,  # their metrics, then the daily load from `since`
        coaching.activities_relink_task,  # links of their days to planned sessions
    ),
    # Thresholds or zones of a sport changed from a day on:
    ThresholdsChanged: (
        analytics.athlete_refresh_task,  # metrics of the activities using them, daily load
        coaching.plan_reestimate_task,  # planned estimates → PlanChanged for changed days
    ),
    # Planned sessions of some days changed:
    PlanChanged: (
        coaching.plan_relink_task,  # links of those days
        coaching.plan_load_handover_task,  # their planned load → analytics (planned column)
    ),
    # The athlete's Fitness/Fatigue time constants changed:
    TimeConstantsChanged: (analytics.time_constants_changed_task,),  # the whole daily load chart
    InvitationCreated: (athletes.invitation_email_send_task,),
}

SWEEPERS: tuple[Callable[..., int], ...] = (
    outbox_sweep,  # events not delivered (broker away, worker killed, subscriber failed)
    activities.import_jobs_sweep,  # import jobs never started or whose worker died
    analytics.pending_loads_sweep,  # daily loads still stale (their task lost)
    login_attempts_sweep,  # provider logins past their 10 minutes (passwords, MFA states)
    garmin.login_attempts_resend_sweep,  # Garmin sign-ins whose task was lost
    garmin_schedule.garmin_syncs_sweep,  # Garmin syncs due (hourly, wellness 3×/day) or lost
    calendar_pulls_sweep,  # TrainingPeaks calendars due (every 3 h) or whose pull was lost
    strava_syncs_sweep,  # Strava events and runs lost, the daily reconcile, retention
)

# What other apps show on the activity page, in this order within each slot (activities.panels).
ACTIVITY_PANELS = (
    coaching_panels.activity_coaching_panels,  # journal card, planned session, comments
    analytics_panels.activity_analytics_panels,  # metrics
)

# Providers' export archives that the archive import of `activities` recognises, plans and
# imports (`activities.services.archive_plan.ArchiveFormat`; read by name through
# `core.wiring.wired`, as `activities` sits below `integrations`). Tried in this order: a zip
# is the first one whose `detect` accepts its member names.
ARCHIVE_FORMATS: tuple[ArchiveFormat, ...] = (
    GARMIN_EXPORT,  # a DI_CONNECT/ folder: summaries, wellness, nested uploaded files
    STRAVA_EXPORT,  # activities.csv at the root (or one folder down) and its files
)

# How many connections need each athlete (read by name by the coach's cockpit, as `coaching`
# sits below `integrations`): (*, athlete_ids) -> {athlete id: count}, one query.
CONNECTION_PROBLEM_COUNTS = connection_problem_counts
