"""Reads of stored metrics for the analytics pages and the API, always through the one door.

Rows are reached only through ``visible_to`` (``Athlete.objects.visible_to``): an activity
outside the viewer's scope is 404, the athlete itself comes from ``athlete_get`` (404 too).
Every selector costs a fixed number of queries whatever the number of activities or days;
the numbers come from the pure core (``analytics.metrics``), never re-derived here.
"""

from __future__ import annotations

from analytics.selectors.activity import (
    activities_exist,
    activity_metrics_get,
    activity_with_metrics_get,
    activity_zones,
    daily_load_list,
)
from analytics.selectors.curves import CurveSource, SeasonCurve, season_curves, season_sports
from analytics.selectors.fitness import (
    DayState,
    Fitness,
    StateNow,
    WeekTotals,
    aggregate,
    fitness_get,
    state_now,
)
from analytics.selectors.forecast import Forecast, RaceDay, VolumePlan
from analytics.selectors.records import (
    PersonalRecords,
    RecordRow,
    personal_records_get,
    standard_distance,
)

__all__ = [
    "CurveSource",
    "DayState",
    "Fitness",
    "Forecast",
    "PersonalRecords",
    "RaceDay",
    "RecordRow",
    "SeasonCurve",
    "StateNow",
    "VolumePlan",
    "WeekTotals",
    "activities_exist",
    "activity_metrics_get",
    "activity_with_metrics_get",
    "activity_zones",
    "aggregate",
    "daily_load_list",
    "fitness_get",
    "personal_records_get",
    "season_curves",
    "season_sports",
    "standard_distance",
    "state_now",
]
