"""Pages of the coaching app, one module per area."""

from __future__ import annotations

from coaching.urls import groups, home, journal, library, planner

urlpatterns = [
    *home.urlpatterns,
    *planner.urlpatterns,
    *groups.urlpatterns,
    *library.urlpatterns,
    *journal.urlpatterns,
]
