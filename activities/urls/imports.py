"""Background import jobs (athlete-scoped)."""

from __future__ import annotations

from django.urls import URLPattern, path

from activities.views import imports

urlpatterns: list[URLPattern] = [
    path("athletes/<int:athlete_id>/imports/", imports.import_job_list, name="import_job_list"),
    path(
        "athletes/<int:athlete_id>/imports/<int:job_id>/",
        imports.import_job_detail,
        name="import_job_detail",
    ),
    path(
        "athletes/<int:athlete_id>/imports/<int:job_id>/progress/",
        imports.import_job_progress,
        name="import_job_progress",
    ),
]
