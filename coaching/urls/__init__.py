"""Pages of the coaching app, one module per area."""

from __future__ import annotations

from coaching.urls import cockpit, groups, home, journal, library, planned_actual, planner

urlpatterns = [
    *cockpit.urlpatterns,
    *home.urlpatterns,
    *planner.urlpatterns,
    *groups.urlpatterns,
    *library.urlpatterns,
    *journal.urlpatterns,
    *planned_actual.urlpatterns,
]
