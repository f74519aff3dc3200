"""Django admin for provider connections: credentials are never rendered, only masked."""

from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from athletes.admin import ATHLETE_SEARCH
from core import crypto
from integrations.models import Connection


@admin.register(Connection)
class ConnectionAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("athlete", "provider", "status", "last_synced_at", "lease_until", "created_at")
    list_filter = ("provider", "status")
    search_fields = ATHLETE_SEARCH
    autocomplete_fields = ("athlete",)
    list_select_related = ("athlete__user",)
    date_hierarchy = "created_at"
    exclude = ("credentials",)
    readonly_fields = ("masked_credentials", "created_at", "last_synced_at")
    actions = ("revoke",)

    @admin.display(description=_("credentials"))
    def masked_credentials(self, obj: Connection) -> str:
        """Key names with masked values: enough to tell what is stored, never the secret."""
        values = obj.credentials_dict
        if not values:
            return "—"
        return ", ".join(f"{key}: {crypto.mask(str(values[key]))}" for key in sorted(values))

    @admin.action(description=_("Revoke connection (delete stored credentials)"))
    def revoke(self, request: HttpRequest, queryset: QuerySet[Connection]) -> None:
        count = queryset.update(credentials="", status=Connection.Status.REVOKED)
        message = ngettext("%(count)d connection revoked.", "%(count)d connections revoked.", count)
        self.message_user(request, message % {"count": count}, messages.SUCCESS)
