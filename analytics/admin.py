"""Django admin for the metrics pipeline's derived rows (operators only): read-only, since the
pipeline rewrites them (`recompute_metrics`)."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from analytics.models import ActivityMetrics, DailyLoad

ATHLETE_SEARCH = ("athlete__user__email", "athlete__user__first_name", "athlete__user__last_name")


class DerivedAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """Viewable and deletable (a recompute rebuilds), never added or edited by hand."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(ActivityMetrics)
class ActivityMetricsAdmin(DerivedAdmin):
    list_display = ("activity", "athlete", "load", "load_source", "tss", "algorithm_version")
    list_filter = ("load_source", "algorithm_version", "activity__sport")
    search_fields = tuple(f"activity__{field}" for field in ATHLETE_SEARCH)
    list_select_related = ("activity__athlete__user",)
    raw_id_fields = ("activity",)
    date_hierarchy = "computed_at"

    @admin.display(description=_("athlete"), ordering="activity__athlete")
    def athlete(self, obj: ActivityMetrics) -> str:
        return str(obj.activity.athlete)


@admin.register(DailyLoad)
class DailyLoadAdmin(DerivedAdmin):
    list_display = ("day", "athlete", "load", "planned_load", "fitness", "fatigue", "form")
    list_filter = ("day",)
    search_fields = ATHLETE_SEARCH
    list_select_related = ("athlete__user",)
    raw_id_fields = ("athlete",)
    date_hierarchy = "day"
