"""Django admin for the metrics pipeline's derived rows (operators only): read-only, since the
pipeline rewrites them (`recompute_metrics`); curves and zone times are shown bounded."""

from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from analytics.display.common import duration_text, number
from analytics.models import ActivityMetrics, DailyLoad, PendingLoad, PlannedLoad
from analytics.tasks import athlete_load_schedule
from athletes.admin import ATHLETE_SEARCH
from core.admin import ReadOnlyAdmin, json_preview


@admin.register(ActivityMetrics)
class ActivityMetricsAdmin(ReadOnlyAdmin):
    """Viewable and deletable (a recompute rebuilds), never added or edited by hand."""

    list_display = (
        "activity",
        "athlete",
        "sport",
        "time",
        "load",
        "load_source",
        "tss",
        "algorithm_version",
    )
    list_filter = ("load_source", "algorithm_version", "activity__sport")
    search_fields = ("activity__name", *(f"activity__{field}" for field in ATHLETE_SEARCH))
    list_select_related = ("activity__athlete__user",)
    date_hierarchy = "computed_at"
    exclude = ("time_in_zone_s", "mean_max", "best_efforts_s")
    readonly_fields = ("time_in_zone", "mean_max_curves", "best_efforts")

    @admin.display(description=_("athlete"), ordering="activity__athlete")
    def athlete(self, obj: ActivityMetrics) -> str:
        return str(obj.activity.athlete)

    @admin.display(description=_("sport"), ordering="activity__sport")
    def sport(self, obj: ActivityMetrics) -> str:
        return obj.activity.get_sport_display()

    @admin.display(description=_("moving time"), ordering="activity__moving_s")
    def time(self, obj: ActivityMetrics) -> str:
        return duration_text(obj.activity.moving_s)

    @admin.display(description=_("time in zone (s)"))
    def time_in_zone(self, obj: ActivityMetrics) -> SafeString:
        return json_preview(obj.time_in_zone_s)

    @admin.display(description=_("mean-max curves"))
    def mean_max_curves(self, obj: ActivityMetrics) -> SafeString:
        return json_preview(obj.mean_max)

    @admin.display(description=_("best efforts (s)"))
    def best_efforts(self, obj: ActivityMetrics) -> SafeString:
        return json_preview(obj.best_efforts_s)


@admin.register(DailyLoad)
class DailyLoadAdmin(ReadOnlyAdmin):
    list_display = (
        "day",
        "athlete",
        "load_shown",
        "planned",
        "fitness_shown",
        "fatigue_shown",
        "form_shown",
    )
    list_filter = ("day",)
    search_fields = ATHLETE_SEARCH
    list_select_related = ("athlete__user",)
    date_hierarchy = "day"
    exclude = ("load_by_source",)
    readonly_fields = ("by_source",)

    @admin.display(description=_("load"), ordering="load")
    def load_shown(self, obj: DailyLoad) -> str:
        return number(obj.load)

    @admin.display(description=_("planned load"), ordering="planned_load")
    def planned(self, obj: DailyLoad) -> str:
        return number(obj.planned_load)

    @admin.display(description=_("fitness"), ordering="fitness")
    def fitness_shown(self, obj: DailyLoad) -> str:
        return number(obj.fitness, 1)

    @admin.display(description=_("fatigue"), ordering="fatigue")
    def fatigue_shown(self, obj: DailyLoad) -> str:
        return number(obj.fatigue, 1)

    @admin.display(description=_("form"), ordering="form")
    def form_shown(self, obj: DailyLoad) -> str:
        return number(obj.form, 1)

    @admin.display(description=_("load by source"))
    def by_source(self, obj: DailyLoad) -> SafeString:
        return json_preview(obj.load_by_source)


@admin.register(PlannedLoad)
class PlannedLoadAdmin(ReadOnlyAdmin):
    """The plan's load per day, as coaching hands it over: rewritten by every plan change."""

    list_display = ("day", "athlete", "planned")
    list_filter = ("day",)
    search_fields = ATHLETE_SEARCH
    list_select_related = ("athlete__user",)
    date_hierarchy = "day"

    @admin.display(description=_("planned load"), ordering="load")
    def planned(self, obj: PlannedLoad) -> str:
        return number(obj.load)


@admin.register(PendingLoad)
class PendingLoadAdmin(ReadOnlyAdmin):
    """Athletes whose chart is due a recompute. Never deleted here: the row is the only record
    of that work (the recompute deletes it)."""

    list_display = ("athlete", "since")
    list_filter = ("since",)
    search_fields = ATHLETE_SEARCH
    list_select_related = ("athlete__user",)
    date_hierarchy = "since"
    actions = ("recompute_now",)

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    @admin.action(description=_("Recompute the selected daily loads now"), permissions=["view"])
    def recompute_now(self, request: HttpRequest, queryset: QuerySet[PendingLoad]) -> None:
        """What the sweep does for every row, for these ones now."""
        athlete_ids = list(queryset.values_list("athlete_id", flat=True))
        for athlete_id in athlete_ids:
            athlete_load_schedule(athlete_id)
        count = len(athlete_ids)
        message = ngettext(
            "%(count)d recompute requested.", "%(count)d recomputes requested.", count
        )
        self.message_user(request, message % {"count": count}, messages.SUCCESS)
