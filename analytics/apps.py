from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AnalyticsConfig(AppConfig):
    name = "analytics"
    verbose_name = _("Analytics")

    def ready(self) -> None:
        """Listen to the announcements of changed activities and thresholds (the metrics
        pipeline runs on its own: nothing needs to call it)."""
        from activities.services.changes import activities_changed
        from analytics.receivers import activities_changed_receive, thresholds_changed_receive
        from athletes.signals import thresholds_changed

        activities_changed.connect(activities_changed_receive, dispatch_uid="analytics.activities")
        thresholds_changed.connect(thresholds_changed_receive, dispatch_uid="analytics.thresholds")
