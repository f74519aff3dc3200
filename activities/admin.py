"""Django admin for activities (operators only): lists select their related rows (no N+1),
values read in their units (h:mm:ss, km, pace or km/h, bytes), provider payloads and import
results are shown read-only and bounded, and the streams blob is summarised, never shown."""

from __future__ import annotations

import math

from django.contrib import admin
from django.db.models import QuerySet
from django.db.models.functions import Length
from django.http import HttpRequest
from django.template.defaultfilters import filesizeformat
from django.utils.formats import number_format
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from activities.models import Activity, ActivityFile, ActivitySource, ImportJob, Lap, Streams
from activities.streams_codec import decode_streams
from athletes.admin import ATHLETE_SEARCH
from athletes.templatetags.units import distance, duration, speed
from core.admin import ReadOnlyAdmin, json_preview
from core.units import EMPTY

ACTIVITY_SEARCH = ("activity__name", *(f"activity__{field}" for field in ATHLETE_SEARCH))


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

    def get_queryset(self, request: HttpRequest) -> QuerySet[ActivitySource]:
        sources: QuerySet[ActivitySource] = super().get_queryset(request)
        return sources.select_related("file").defer("raw", "summary")


class LapInline(ReadOnlyInline):
    model = Lap
    fields = ("index", "intensity", "start", "elapsed", "distance_km", "avg_hr_bpm", "avg_power_w")
    readonly_fields = fields
    show_change_link = False

    @admin.display(description=_("start"))
    def start(self, obj: Lap) -> str:
        return duration(obj.start_s)

    @admin.display(description=_("duration"))
    def elapsed(self, obj: Lap) -> str:
        return duration(obj.elapsed_s)

    @admin.display(description=_("distance"))
    def distance_km(self, obj: Lap) -> str:
        return distance(obj.distance_m)


@admin.register(Activity)
class ActivityAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("__str__", "sport", "day", "athlete", "time", "distance_km", "speed")
    list_filter = ("sport", "primary_provider", "recovered")
    search_fields = ("name", *ATHLETE_SEARCH)
    autocomplete_fields = ("athlete",)
    list_select_related = ("athlete__user",)
    date_hierarchy = "day"
    exclude = ("warnings",)
    readonly_fields = ("primary_provider", "warnings_preview", "created_at", "updated_at")
    inlines = (SourceInline, LapInline)

    @admin.display(description=_("moving time"), ordering="moving_s")
    def time(self, obj: Activity) -> str:
        return duration(obj.moving_s if obj.moving_s is not None else obj.elapsed_s)

    @admin.display(description=_("distance"), ordering="distance_m")
    def distance_km(self, obj: Activity) -> str:
        return distance(obj.distance_m)

    @admin.display(description=_("Pace / speed"), ordering="avg_speed_mps")
    def speed(self, obj: Activity) -> str:
        return speed(obj.avg_speed_mps, obj.sport)

    @admin.display(description=_("warnings"))
    def warnings_preview(self, obj: Activity) -> SafeString:
        return json_preview(obj.warnings)


@admin.register(ActivityFile)
class ActivityFileAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("original_name", "athlete", "format", "size", "uploaded_at")
    list_filter = ("format",)
    search_fields = ("original_name", "sha256", *ATHLETE_SEARCH)
    list_select_related = ("athlete__user",)
    date_hierarchy = "uploaded_at"
    fields = ("athlete", "original_name", "format", "size", "sha256", "file", "uploaded_at")
    readonly_fields = ("athlete", "sha256", "file", "size", "format", "uploaded_at")

    @admin.display(description=_("size"), ordering="size_bytes")
    def size(self, obj: ActivityFile) -> str:
        return filesizeformat(obj.size_bytes)


@admin.register(ActivitySource)
class ActivitySourceAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """A provider's description of an activity, kept for re-parsing: never edited by hand but
    for the activity or file it belongs to."""

    list_display = ("__str__", "provider", "athlete", "activity", "session_index", "fetched_at")
    list_filter = ("provider",)
    search_fields = ("external_id", *ATHLETE_SEARCH)
    list_select_related = ("athlete__user", "activity")
    autocomplete_fields = ("activity", "file")
    date_hierarchy = "fetched_at"
    fields = (
        ("athlete", "provider", "external_id", "session_index"),
        ("activity", "file"),
        "summary_preview",
        "raw_preview",
        "fetched_at",
    )
    readonly_fields = (
        "athlete",
        "provider",
        "external_id",
        "session_index",
        "summary_preview",
        "raw_preview",
        "fetched_at",
    )

    def get_queryset(self, request: HttpRequest) -> QuerySet[ActivitySource]:
        sources: QuerySet[ActivitySource] = super().get_queryset(request)
        return sources.defer("raw", "summary")  # loaded by the one change page that shows them

    @admin.display(description=_("values from this source"))
    def summary_preview(self, obj: ActivitySource) -> SafeString:
        return json_preview(obj.summary)

    @admin.display(description=_("as received"))
    def raw_preview(self, obj: ActivitySource) -> SafeString:
        return json_preview(obj.raw)


@admin.register(Streams)
class StreamsAdmin(ReadOnlyAdmin):
    """The compressed blob is never shown: its size, and each channel's range once decoded."""

    list_display = ("activity", "provider", "sample_count", "stored_size", "codec_version")
    list_filter = ("provider", "codec_version")
    search_fields = ACTIVITY_SEARCH
    list_select_related = ("activity",)
    fields = (
        "activity",
        ("provider", "codec_version"),
        ("sample_count", "stored_size"),
        "channel_ranges",
    )
    readonly_fields = ("stored_size", "channel_ranges")

    def get_queryset(self, request: HttpRequest) -> QuerySet[Streams]:
        streams: QuerySet[Streams] = super().get_queryset(request)
        return streams.defer("data").annotate(_data_bytes=Length("data"))

    @admin.display(description=_("stored size"), ordering="_data_bytes")
    def stored_size(self, obj: Streams) -> str:
        return filesizeformat(obj._data_bytes)  # type: ignore[attr-defined]

    @admin.display(description=_("channels"))
    def channel_ranges(self, obj: Streams) -> SafeString:
        """One row per recorded channel: samples with a value, lowest, highest."""
        try:
            decoded = decode_streams(bytes(obj.data))
        except ValueError as error:
            return format_html("{}", gettext("Cannot decode: %(error)s") % {"error": error})
        rows = [(name, getattr(decoded, name)) for name in ("time_s", *decoded.present())]
        cells = format_html_join(
            "",
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            ((name, *_range(values)) for name, values in rows),
        )
        head = (gettext("channel"), gettext("samples"), gettext("lowest"), gettext("highest"))
        return format_html(
            "<table><thead><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr></thead>"
            "<tbody>{}</tbody></table>",
            *head,
            cells,
        )


def _range(values: object) -> tuple[str, str, str]:
    """Finite samples, lowest and highest of one decoded channel, for display."""
    finite = [float(value) for value in values if math.isfinite(value)]  # type: ignore[attr-defined]
    if not finite:
        return "0", EMPTY, EMPTY
    return str(len(finite)), number_format(min(finite), 2), number_format(max(finite), 2)


@admin.register(Lap)
class LapAdmin(ReadOnlyAdmin):
    """Laps come with their recording: viewed here, changed only by importing it again."""

    list_display = (
        "__str__",
        "activity",
        "athlete",
        "intensity",
        "elapsed",
        "distance_km",
        "speed",
        "avg_hr_bpm",
        "avg_power_w",
    )
    list_filter = ("intensity", "activity__sport")
    search_fields = ACTIVITY_SEARCH
    list_select_related = ("activity__athlete__user",)

    @admin.display(description=_("athlete"), ordering="activity__athlete")
    def athlete(self, obj: Lap) -> str:
        return str(obj.activity.athlete)

    @admin.display(description=_("duration"), ordering="elapsed_s")
    def elapsed(self, obj: Lap) -> str:
        return duration(obj.elapsed_s)

    @admin.display(description=_("distance"), ordering="distance_m")
    def distance_km(self, obj: Lap) -> str:
        return distance(obj.distance_m)

    @admin.display(description=_("Pace / speed"), ordering="avg_speed_mps")
    def speed(self, obj: Lap) -> str:
        return speed(obj.avg_speed_mps, obj.activity.sport)


@admin.register(ImportJob)
class ImportJobAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("original_name", "athlete", "kind", "state", "progress", "size", "created_at")
    list_filter = ("kind", "state")
    search_fields = ("original_name", *ATHLETE_SEARCH)
    list_select_related = ("athlete__user",)
    date_hierarchy = "created_at"
    exclude = ("results",)
    readonly_fields = (
        "created_by",
        "size",
        "results_preview",
        "created_at",
        "started_at",
        "finished_at",
        "lease_until",
    )
    autocomplete_fields = ("athlete",)

    def get_queryset(self, request: HttpRequest) -> QuerySet[ImportJob]:
        jobs: QuerySet[ImportJob] = super().get_queryset(request)
        return jobs.defer("results")  # loaded by the one change page that shows them

    @admin.display(description=_("progress"))
    def progress(self, obj: ImportJob) -> str:
        return f"{obj.cursor}/{obj.total}"

    @admin.display(description=_("size"), ordering="size_bytes")
    def size(self, obj: ImportJob) -> str:
        return filesizeformat(obj.size_bytes)

    @admin.display(description=_("results"))
    def results_preview(self, obj: ImportJob) -> SafeString:
        return json_preview(obj.results)
