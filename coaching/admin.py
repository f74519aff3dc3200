"""Django admin for coaching (operators only): templates, planned sessions, links, comments and
calendar feeds. Steps are read as the workout text syntax, never edited as raw JSON (the
services validate and re-estimate them); the calendar feed's token is never shown."""

from __future__ import annotations

from django.contrib import admin
from django.db.models import Count, QuerySet
from django.http import HttpRequest
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _

from analytics.display.common import number
from athletes.admin import ATHLETE_SEARCH
from athletes.templatetags.units import distance, duration
from coaching.forms.library import steps_text
from coaching.models import (
    AttentionDismissal,
    AttentionSettings,
    CalendarFeed,
    Comment,
    CommentRead,
    Link,
    LinkRefusal,
    PlannedSession,
    WeekCopy,
    WorkoutTemplate,
)
from coaching.templatetags.planner_tags import percent
from core import crypto
from core.admin import ReadOnlyAdmin, json_preview

OWNER_SEARCH = ("owner__email", "owner__first_name", "owner__last_name")


def steps_shown(steps: object, sport: str) -> SafeString:
    """Stored steps as the coach wrote them (text syntax); the JSON if it no longer parses."""
    text = steps_text(steps, sport)
    if text or not steps:
        return format_html("<pre>{}</pre>", text or "—")
    return json_preview(steps)


@admin.register(WorkoutTemplate)
class WorkoutTemplateAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("name", "owner", "sport", "session_type", "time", "distance_km", "groups")
    list_filter = ("sport", "session_type")
    search_fields = ("name", "description", *OWNER_SEARCH)
    autocomplete_fields = ("owner", "shared_with")
    list_select_related = ("owner",)
    date_hierarchy = "created_at"
    exclude = ("steps",)
    readonly_fields = ("steps_as_text", "created_at", "updated_at")

    def get_queryset(self, request: HttpRequest) -> QuerySet[WorkoutTemplate]:
        templates: QuerySet[WorkoutTemplate] = super().get_queryset(request)
        return templates.annotate(_group_count=Count("shared_with"))

    @admin.display(description=_("duration"), ordering="duration_s")
    def time(self, obj: WorkoutTemplate) -> str:
        return duration(obj.duration_s)

    @admin.display(description=_("distance"), ordering="distance_m")
    def distance_km(self, obj: WorkoutTemplate) -> str:
        return distance(obj.distance_m)

    @admin.display(description=_("shared with"), ordering="_group_count")
    def groups(self, obj: WorkoutTemplate) -> int:
        return int(obj._group_count)  # type: ignore[attr-defined]

    @admin.display(description=_("workout steps"))
    def steps_as_text(self, obj: WorkoutTemplate) -> SafeString:
        return steps_shown(obj.steps, obj.sport)


@admin.register(PlannedSession)
class PlannedSessionAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """Estimates are derived from the steps and thresholds by the services: read-only here."""

    list_display = ("day", "title", "athlete", "sport", "time", "distance_km", "load", "hidden")
    list_filter = ("sport", "session_type", "source", "hidden")
    search_fields = ("title", "external_uid", *ATHLETE_SEARCH)
    autocomplete_fields = ("athlete", "template")
    list_select_related = ("athlete__user",)
    date_hierarchy = "day"
    exclude = ("steps",)
    readonly_fields = (
        "created_by",
        "updated_by",
        "steps_as_text",
        "est_duration_s",
        "est_distance_m",
        "est_ascent_m",
        "est_dist_eq_km",
        "est_load",
        "est_trimp",
        "created_at",
        "updated_at",
    )

    @admin.display(description=_("estimated duration"), ordering="est_duration_s")
    def time(self, obj: PlannedSession) -> str:
        return duration(obj.est_duration_s)

    @admin.display(description=_("estimated distance"), ordering="est_distance_m")
    def distance_km(self, obj: PlannedSession) -> str:
        return distance(obj.est_distance_m)

    @admin.display(description=_("estimated load"), ordering="est_load")
    def load(self, obj: PlannedSession) -> str:
        return number(obj.est_load)

    @admin.display(description=_("workout steps"))
    def steps_as_text(self, obj: PlannedSession) -> SafeString:
        return steps_shown(obj.steps, obj.sport)


@admin.register(Link)
class LinkAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = (
        "session",
        "activity",
        "athlete",
        "kind",
        "locked",
        "match",
        "steps",
        "created_at",
    )
    list_filter = ("kind", "locked")
    search_fields = ("session__title", "activity__name", *ATHLETE_SEARCH)
    autocomplete_fields = ("athlete", "session", "activity")
    list_select_related = ("athlete__user", "session", "activity")
    date_hierarchy = "created_at"
    readonly_fields = ("created_by", "steps_hit")

    @admin.display(description=_("confidence"), ordering="confidence")
    def match(self, obj: Link) -> str:
        return percent(obj.confidence)

    @admin.display(description=_("steps on target"), ordering="steps_hit")
    def steps(self, obj: Link) -> str:
        return percent(obj.steps_hit)


@admin.register(LinkRefusal)
class LinkRefusalAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """Pairs someone unlinked by hand: the auto-linker never pairs them again."""

    list_display = ("session", "activity", "athlete")
    list_filter = ("activity__sport",)
    search_fields = (
        "session__title",
        "activity__name",
        *(f"session__{field}" for field in ATHLETE_SEARCH),
    )
    autocomplete_fields = ("session", "activity")
    list_select_related = ("session__athlete__user", "activity")
    readonly_fields = ("created_by",)

    @admin.display(description=_("athlete"), ordering="session__athlete")
    def athlete(self, obj: LinkRefusal) -> str:
        return str(obj.session.athlete)


@admin.register(Comment)
class CommentAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("__str__", "author", "athlete", "thread", "created_at")
    list_filter = (("session", admin.EmptyFieldListFilter), "created_at")
    search_fields = ("body", "author__email", "author__last_name", *ATHLETE_SEARCH)
    autocomplete_fields = ("athlete", "session", "activity")
    list_select_related = ("author", "athlete__user", "session", "activity")
    date_hierarchy = "created_at"
    readonly_fields = ("author", "created_at")

    @admin.display(description=_("on session or activity"))
    def thread(self, obj: Comment) -> str:
        return str(obj.session or obj.activity)


@admin.register(CommentRead)
class CommentReadAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("user", "session", "activity", "read_at")
    list_filter = (("session", admin.EmptyFieldListFilter), "read_at")
    search_fields = ("user__email", "user__last_name", "session__title", "activity__name")
    autocomplete_fields = ("user", "session", "activity")
    list_select_related = ("user", "session", "activity")
    date_hierarchy = "read_at"


@admin.register(CalendarFeed)
class CalendarFeedAdmin(ReadOnlyAdmin):
    """A private feed URL: its token is never shown. Deleting the feed stops the URL; its
    owner makes a new one on their plan page."""

    list_display = ("athlete", "masked_token", "created_at")
    search_fields = ATHLETE_SEARCH
    list_select_related = ("athlete__user",)
    list_filter = ("created_at",)
    date_hierarchy = "created_at"
    fields = ("athlete", "masked_token", "created_at")
    readonly_fields = ("masked_token",)

    def get_queryset(self, request: HttpRequest) -> QuerySet[CalendarFeed]:
        feeds: QuerySet[CalendarFeed] = super().get_queryset(request)
        return feeds.defer("token")  # never decrypted here

    @admin.display(description=_("token hash"))
    def masked_token(self, obj: CalendarFeed) -> str:
        return crypto.mask(obj.token_hash)


@admin.register(WeekCopy)
class WeekCopyAdmin(ReadOnlyAdmin):
    """Week copies with what their undo needs (kept an hour): removed sessions, added ids."""

    list_display = ("__str__", "coach", "athlete", "created_at", "undone_at")
    list_filter = ("mode", "created_at")
    search_fields = ("coach__email", *ATHLETE_SEARCH)
    list_select_related = ("coach", "athlete__user")
    date_hierarchy = "created_at"
    fields = (
        ("coach", "athlete"),
        ("week_start", "to_week_start", "mode"),
        ("created_at", "undone_at"),
        "added",
        "removed_preview",
    )
    readonly_fields = ("removed_preview",)

    @admin.display(description=_("removed sessions"))
    def removed_preview(self, obj: WeekCopy) -> SafeString:
        return json_preview(obj.removed)


@admin.register(AttentionSettings)
class AttentionSettingsAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("coach", "form_min", "sleep_min_h", "baseline_k", "rpe_days", "comment_hours")
    search_fields = ("coach__email", "coach__last_name")
    autocomplete_fields = ("coach",)
    list_select_related = ("coach",)


@admin.register(AttentionDismissal)
class AttentionDismissalAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("coach", "athlete", "kind", "fingerprint", "until", "created_at")
    list_filter = ("kind", ("until", admin.EmptyFieldListFilter), "created_at")
    search_fields = ("coach__email", "coach__last_name", *ATHLETE_SEARCH)
    autocomplete_fields = ("coach", "athlete")
    list_select_related = ("coach", "athlete__user")
    date_hierarchy = "created_at"
