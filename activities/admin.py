"""Django admin for activities (operators only): lists select their related rows (no N+1),
provider payloads and stream blobs are never editable, and blobs are never shown."""

from __future__ import annotations

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from activities.models import Activity, ActivityFile, ActivitySource, ImportJob, Lap, Streams

ATHLETE_SEARCH = ("athlete__user__email", "athlete__user__first_name", "athlete__user__last_name")


class ReadOnlyInline(admin.TabularInline):  # type: ignore[type-arg]
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


class SourceInline(ReadOnlyInline):
    model = ActivitySource
    fields = ("provider", "external_id", "session_index", "file", "fetched_at")
    readonly_fields = fields


class LapInline(ReadOnlyInline):
    model = Lap
    fields = ("index", "start_s", "elapsed_s", "distance_m", "avg_hr_bpm", "avg_power_w")
    readonly_fields = fields
    show_change_link = False


@admin.register(Activity)
class ActivityAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("__str__", "sport", "day", "athlete", "distance_m", "primary_provider")
    list_filter = ("sport", "primary_provider", "recovered")
    search_fields = ("name", *ATHLETE_SEARCH)
    autocomplete_fields = ("athlete",)
    list_select_related = ("athlete__user",)
    date_hierarchy = "day"
    readonly_fields = ("primary_provider", "warnings", "created_at", "updated_at")
    inlines = (SourceInline, LapInline)


@admin.register(ActivityFile)
class ActivityFileAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("original_name", "athlete", "format", "size_bytes", "uploaded_at")
    list_filter = ("format",)
    search_fields = ("original_name", "sha256", *ATHLETE_SEARCH)
    list_select_related = ("athlete__user",)
    date_hierarchy = "uploaded_at"
    readonly_fields = ("athlete", "sha256", "file", "size_bytes", "format", "uploaded_at")


@admin.register(ActivitySource)
class ActivitySourceAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("__str__", "provider", "athlete", "activity", "session_index", "fetched_at")
    list_filter = ("provider",)
    search_fields = ("external_id", *ATHLETE_SEARCH)
    list_select_related = ("athlete__user", "activity")
    raw_id_fields = ("activity", "file")
    readonly_fields = ("athlete", "provider", "external_id", "summary", "raw", "fetched_at")


@admin.register(Streams)
class StreamsAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """The compressed blob is never loaded or shown here: only what describes it."""

    list_display = ("activity", "provider", "sample_count", "codec_version")
    list_filter = ("provider", "codec_version")
    search_fields = tuple(f"activity__{field}" for field in ATHLETE_SEARCH)
    list_select_related = ("activity",)
    fields = ("activity", "provider", "codec_version", "sample_count", "channels")
    readonly_fields = fields

    def get_queryset(self, request: HttpRequest) -> QuerySet[Streams]:
        streams: QuerySet[Streams] = super().get_queryset(request)
        return streams.defer("data")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


@admin.register(ImportJob)
class ImportJobAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("original_name", "athlete", "kind", "state", "progress", "created_at")
    list_filter = ("kind", "state")
    search_fields = ("original_name", *ATHLETE_SEARCH)
    list_select_related = ("athlete__user",)
    date_hierarchy = "created_at"
    readonly_fields = ("results", "created_at", "started_at", "finished_at", "lease_until")
    autocomplete_fields = ("athlete", "created_by")

    @admin.display(description=_("progress"))
    def progress(self, obj: ImportJob) -> str:
        return f"{obj.cursor}/{obj.total}"
