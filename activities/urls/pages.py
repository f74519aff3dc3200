"""Activity list, detail, upload and original-file download (athlete-scoped)."""

from __future__ import annotations

from django.urls import URLPattern, path

from activities.views import pages

urlpatterns: list[URLPattern] = [
    path("athletes/<int:athlete_id>/activities/", pages.activity_list, name="activity_list"),
    path(
        "athletes/<int:athlete_id>/activities/<int:activity_id>/",
        pages.activity_detail,
        name="activity_detail",
    ),
    path(
        "athletes/<int:athlete_id>/activities/upload/",
        pages.activity_upload,
        name="activity_upload",
    ),
    path(
        "athletes/<int:athlete_id>/files/<int:file_id>/",
        pages.activity_file_download,
        name="activity_file_download",
    ),
]
