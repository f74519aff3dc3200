"""Pages of the athletes app, one module per area."""

from __future__ import annotations

from athletes.urls import pages, relationships, thresholds

urlpatterns = [*pages.urlpatterns, *relationships.urlpatterns, *thresholds.urlpatterns]
