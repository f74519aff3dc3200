"""Root URLs: pages, accounts (allauth), admin, the REST API, its OpenAPI schema and docs."""

from __future__ import annotations

from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView

from config.api_docs import redoc_view, swagger_ui_view

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("accounts/", include("allauth.urls")),
    path("admin/", admin.site.urls),
    path("api/v1/", include("config.api")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", swagger_ui_view(), name="api-docs"),
    path("api/redoc/", redoc_view(), name="api-redoc"),
    path("", include("analytics.urls")),
    path("", include("activities.urls")),
    path("", include("coaching.urls")),
    path("", include("athletes.urls")),
]
