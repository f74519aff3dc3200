from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoachingConfig(AppConfig):
    name = "coaching"
    verbose_name = _("Coaching")

    def ready(self) -> None:
        """Relink the days of changed activities; re-estimate the plan after a thresholds
        change (both announced after commit by their apps)."""
        from activities.services.changes import activities_changed
        from athletes.signals import thresholds_changed
        from coaching.services.after import on_activities_changed, on_thresholds_changed

        activities_changed.connect(on_activities_changed, dispatch_uid="coaching.activities")
        thresholds_changed.connect(on_thresholds_changed, dispatch_uid="coaching.thresholds")
