"""Django admin for provider connections, their sync runs, raw payloads and webhook events.

Credentials are never rendered, only masked; login attempts (which may hold a password for a
few minutes) are not in the admin at all. Runs and payloads are written by syncs only.
"""

from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from athletes.admin import ATHLETE_SEARCH
from core import crypto
from core.admin import ReadOnlyAdmin, json_preview
from integrations.garmin.schedule import operator_sync
from integrations.models import Connection, RawPayload, SyncRun, WebhookEvent
from integrations.services.connections import connection_disconnect, provider_data_purge
from integrations.strava.schedule import operator_sync as strava_operator_sync
from integrations.strava.sync import strava_forget

SYNCING = (Connection.Provider.GARMIN, Connection.Provider.STRAVA)

CONNECTION_SEARCH = tuple(f"connection__{field}" for field in ATHLETE_SEARCH)


@admin.register(Connection)
class ConnectionAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = (
        "athlete",
        "provider",
        "status",
        "external_user_id",
        "last_synced_at",
        "retry_after",
        "created_at",
    )
    list_filter = ("provider", "status")
    search_fields = (*ATHLETE_SEARCH, "external_user_id")
    autocomplete_fields = ("athlete",)
    list_select_related = ("athlete__user",)
    date_hierarchy = "created_at"
    exclude = ("credentials",)
    readonly_fields = (
        "masked_credentials",
        "created_at",
        "last_synced_at",
        "lease_until",
        "lease_owner",
        "backoff_s",
    )
    actions = ("sync", "disconnect", "purge")

    @admin.display(description=_("credentials"))
    def masked_credentials(self, obj: Connection) -> str:
        """Key names with masked values: enough to tell what is stored, never the secret."""
        values = obj.credentials_dict
        if not values:
            return "—"
        return ", ".join(f"{key}: {crypto.mask(str(values[key]))}" for key in sorted(values))

    @admin.action(description=_("Sync now (activities and wellness)"))
    def sync(self, request: HttpRequest, queryset: QuerySet[Connection]) -> None:
        queued = 0
        syncing = queryset.filter(provider__in=SYNCING, status=Connection.Status.ACTIVE)
        for connection in syncing:
            if connection.provider == Connection.Provider.GARMIN:
                queued += len(operator_sync(connection))
            else:
                queued += len(strava_operator_sync(connection))
        skipped = queryset.count() - syncing.count()
        message = ngettext("%(count)d sync queued.", "%(count)d syncs queued.", queued)
        self.message_user(request, message % {"count": queued}, messages.SUCCESS)
        if skipped:
            note = ngettext(
                "%(count)d connection skipped: only active Garmin and Strava connections sync.",
                "%(count)d connections skipped: only active Garmin and Strava connections sync.",
                skipped,
            )
            self.message_user(request, note % {"count": skipped}, messages.WARNING)

    @admin.action(description=_("Purge the provider's data for the athlete (and disconnect)"))
    def purge(self, request: HttpRequest, queryset: QuerySet[Connection]) -> None:
        for connection in queryset.select_related("athlete__user"):
            if connection.provider == Connection.Provider.STRAVA:
                gone = strava_forget(connection)  # its account freed for another athlete too
            else:
                gone = provider_data_purge(connection)
            message = _(
                "%(connection)s: %(activities)d activities and %(sources)d sources, "
                "%(wellness_days)d wellness days, %(payloads)d raw payloads and %(runs)d runs "
                "deleted; tokens forgotten."
            ) % {"connection": connection, **gone}
            self.message_user(request, message, messages.SUCCESS)

    @admin.action(description=_("Disconnect (delete stored tokens)"))
    def disconnect(self, request: HttpRequest, queryset: QuerySet[Connection]) -> None:
        count = 0
        for connection in queryset:
            connection_disconnect(connection)
            count += 1
        message = ngettext(
            "%(count)d connection disconnected.", "%(count)d connections disconnected.", count
        )
        self.message_user(request, message % {"count": count}, messages.SUCCESS)


@admin.register(SyncRun)
class SyncRunAdmin(ReadOnlyAdmin):
    list_display = ("connection", "kind", "state", "done", "total", "started_at", "finished_at")
    list_filter = ("state", "kind", "connection__provider")
    search_fields = CONNECTION_SEARCH
    list_select_related = ("connection__athlete__user",)
    date_hierarchy = "started_at"
    fields = (
        "connection",
        ("kind", "state"),
        ("done", "total"),
        "counts",
        "errors_preview",
        "error",
        ("started_at", "finished_at"),
    )
    readonly_fields = ("errors_preview",)

    @admin.display(description=_("errors"))
    def errors_preview(self, obj: SyncRun) -> SafeString:
        return json_preview(obj.errors)


@admin.register(RawPayload)
class RawPayloadAdmin(ReadOnlyAdmin):
    list_display = ("connection", "kind", "external_id", "day", "fetched_at")
    list_filter = ("kind", "connection__provider")
    search_fields = (*CONNECTION_SEARCH, "external_id")
    list_select_related = ("connection__athlete__user",)
    date_hierarchy = "fetched_at"
    fields = ("connection", "run", ("kind", "external_id", "day"), "body_preview", "sha256")
    readonly_fields = ("body_preview",)

    @admin.display(description=_("body"))
    def body_preview(self, obj: RawPayload) -> SafeString:
        return json_preview(obj.body)


@admin.register(WebhookEvent)
class WebhookEventAdmin(ReadOnlyAdmin):
    list_display = (
        "provider",
        "object_type",
        "object_id",
        "aspect_type",
        "owner_id",
        "state",
        "received_at",
        "done_at",
    )
    list_filter = ("provider", "state", "aspect_type", "object_type")
    search_fields = (*CONNECTION_SEARCH, "object_id", "owner_id")
    list_select_related = ("connection__athlete__user",)
    date_hierarchy = "received_at"
