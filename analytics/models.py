"""Stored results of the metric core (DESIGN §4): per-activity metrics and the daily load chart.

Both are derived data: `analytics.pipeline` writes them from activities, streams and the
thresholds in force, and can rewrite them at any time (`recompute_metrics`).
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from activities.models import Activity, StravaConsentedQuerySet
from athletes.models import Athlete, AthleteOwnedQuerySet


class ActivityMetricsQuerySet(StravaConsentedQuerySet["ActivityMetrics"]):
    """Metrics belong to the athlete of their activity (the one door, through it), and are
    hidden with it from coaches without consent to show Strava-sourced activities."""

    athlete_path = "activity__athlete"
    activity_path = "activity__"

    def older_than(self, version: int) -> ActivityMetricsQuerySet:
        """Rows computed by an algorithm version before `version` (stale)."""
        return self.filter(algorithm_version__lt=version)


class ActivityMetrics(models.Model):
    """Every per-activity metric (SI units; None = not computable from what was recorded).

    `time_in_zone_s`: {"hr"|"power"|"pace": [seconds per zone, Z1 first], "source": "streams"
    or "lap"}; `mean_max`: {"power_w"|"speed_mps"|"hr_bpm": {"<duration s>": best average}}
    on the shared duration grid; `best_efforts_s`: {"1000": seconds, …} keyed by distance in
    metres. A decoupling is stored only for a steady effort (DESIGN §6).
    """

    activity = models.OneToOneField(Activity, on_delete=models.CASCADE, related_name="metrics")
    np_w = models.FloatField(_("normalized power (W)"), null=True, blank=True)
    intensity_factor = models.FloatField(_("intensity factor"), null=True, blank=True)
    tss = models.FloatField(_("TSS"), null=True, blank=True)
    trimp = models.FloatField(_("TRIMP"), null=True, blank=True)
    hr_tss = models.FloatField(_("hrTSS"), null=True, blank=True)
    rtss = models.FloatField(_("rTSS"), null=True, blank=True)
    srpe = models.FloatField(_("session RPE"), null=True, blank=True)
    load = models.FloatField(_("load"), null=True, blank=True)
    load_source = models.CharField(_("load source"), max_length=8, blank=True)
    dist_eq_km = models.FloatField(_("distance-equivalent (km)"), null=True, blank=True)
    decoupling_pct = models.FloatField(_("decoupling (%)"), null=True, blank=True)
    efficiency_factor = models.FloatField(_("efficiency factor"), null=True, blank=True)
    time_in_zone_s = models.JSONField(_("time in zone (s)"), default=dict, blank=True)
    mean_max = models.JSONField(_("mean-max curves"), default=dict, blank=True)
    best_efforts_s = models.JSONField(_("best efforts (s)"), default=dict, blank=True)
    algorithm_version = models.PositiveSmallIntegerField(_("algorithm version"))
    # What the metrics were computed with beside the activity itself (`analytics.pipeline`
    # `inputs_digest`): a thresholds refresh skips the activities whose digest is unchanged.
    inputs_digest = models.CharField(_("inputs digest"), max_length=32, blank=True)
    computed_at = models.DateTimeField(_("computed at"))

    objects = ActivityMetricsQuerySet.as_manager()

    class Meta:
        verbose_name = _("activity metrics")
        verbose_name_plural = _("activity metrics")

    def __str__(self) -> str:
        return f"Metrics of {self.activity_id}"


class DailyLoad(models.Model):
    """One athlete-local day of the performance chart: load actually done (and by source),
    planned load, and Fitness / Fatigue / Form after the day (Form: the morning's balance)."""

    athlete = models.ForeignKey(Athlete, on_delete=models.CASCADE, related_name="daily_loads")
    day = models.DateField(_("day"))
    load_by_source = models.JSONField(_("load by source"), default=dict, blank=True)
    load = models.FloatField(_("load"), default=0.0)
    planned_load = models.FloatField(_("planned load"), default=0.0)
    fitness = models.FloatField(_("fitness"), default=0.0)
    fatigue = models.FloatField(_("fatigue"), default=0.0)
    form = models.FloatField(_("form"), default=0.0)

    objects = AthleteOwnedQuerySet.as_manager()

    class Meta:
        ordering = ["athlete", "day"]
        constraints = [
            models.UniqueConstraint(fields=["athlete", "day"], name="one_daily_load_per_day")
        ]

    def __str__(self) -> str:
        return f"{self.athlete} {self.day}"


class PlannedLoad(models.Model):
    """The planned load of one athlete-local day: the estimated load of the published sessions
    of that day, as coaching hands it over (`analytics.planned`). The daily load's planned
    column and the forecast read it; analytics never reads the plan itself."""

    athlete = models.ForeignKey(Athlete, on_delete=models.CASCADE, related_name="planned_loads")
    day = models.DateField(_("day"))
    load = models.FloatField(_("planned load"))

    objects = AthleteOwnedQuerySet.as_manager()

    class Meta:
        ordering = ["athlete", "day"]
        constraints = [
            models.UniqueConstraint(fields=["athlete", "day"], name="one_planned_load_per_day")
        ]

    def __str__(self) -> str:
        return f"{self.athlete_id} {self.day}: {self.load:g}"


class PendingLoad(models.Model):
    """An athlete whose DailyLoad rows are stale from `since` on: a recompute is due.

    One row per athlete; marking again keeps the earliest day. The load task reads and deletes
    the row in the transaction that rewrites the rows, so a killed run leaves it in place.
    """

    athlete = models.OneToOneField(
        Athlete, on_delete=models.CASCADE, primary_key=True, related_name="pending_load"
    )
    since = models.DateField(_("stale since"))

    def __str__(self) -> str:
        return f"{self.athlete_id} from {self.since}"
