"""Pages of the coaching app, one module per area."""

from __future__ import annotations

from coaching.urls import cockpit, journal, library, planner

urlpatterns = [
    *cockpit.urlpatterns,
    *planner.urlpatterns,
    *library.urlpatterns,
    *journal.urlpatterns,
]
