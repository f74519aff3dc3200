"""Root URLs: pages, accounts (allauth), admin, the REST API, its OpenAPI schema and docs."""

from __future__ import annotations

from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from drf_spectacular.views import SpectacularAPIView

from config.api_docs import redoc_view, swagger_ui_view
from core.views import favicon

# The admin has no login of its own: people sign in on the web form, with its failed-login
# limits and two-factor authentication (athletes/services/signin.py).
admin.site.login = secure_admin_login(admin.site.login)  # type: ignore[method-assign]
# The admin's header, page titles and home heading name Paceline (translated).
admin.site.site_header = _("Paceline administration")
admin.site.site_title = _("Paceline admin")
admin.site.index_title = _("Paceline data and operations")
# JSON for unknown addresses under /api/ (the API's own 404s are JSON already).
handler404 = "core.api.api_not_found"

urlpatterns = [
    path("favicon.ico", favicon, name="favicon-ico"),
    path("favicon.svg", favicon, name="favicon"),
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
    path("", include("integrations.urls")),
]
