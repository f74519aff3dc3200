"""Pages of the activities app, one module per area."""

from __future__ import annotations

from activities.urls import imports, manual, pages

urlpatterns = [*pages.urlpatterns, *imports.urlpatterns, *manual.urlpatterns]
