"""Django admin for the athletes app (operators only: staff, the Django default).

Lists select their related rows (no N+1), foreign keys use autocomplete, values read in their
units (h:mm:ss, km, pace), and secrets — invitation tokens, API keys, second factors — are
never shown in full nor editable.
"""

from __future__ import annotations

from typing import Any

from allauth.mfa.models import Authenticator
from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.db.models import Count, ManyToManyField, QuerySet
from django.http import HttpRequest
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _
from rest_framework.authtoken.admin import TokenAdmin as DrfTokenAdmin
from rest_framework.authtoken.models import Token, TokenProxy

from athletes.models import (
    Athlete,
    CoachAthlete,
    Goal,
    Group,
    Invitation,
    Thresholds,
    User,
    WellnessDay,
    ZoneSet,
)
from athletes.templatetags.units import distance, duration, pace, swim_pace
from core import crypto
from core.admin import ReadOnlyAdmin, json_preview

ATHLETE_SEARCH = ("athlete__user__email", "athlete__user__first_name", "athlete__user__last_name")


class UserCreationAdminForm(AdminUserCreationForm):  # type: ignore[type-arg]
    """Create a user from an email address (there is no username); emails are lower-cased."""

    class Meta:
        model = User
        fields = ("email",)

    def clean_email(self) -> str:
        email = str(self.cleaned_data["email"]).strip().lower()
        if User.objects.filter(email__iexact=email).exists():
            raise forms.ValidationError(_("A user with this email address already exists."))
        return email


class UserChangeAdminForm(UserChangeForm):  # type: ignore[type-arg]
    class Meta:
        model = User
        fields = "__all__"


@admin.register(User)
class UserAdmin(DjangoUserAdmin):  # type: ignore[type-arg]
    form = UserChangeAdminForm
    add_form = UserCreationAdminForm
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (_("Personal info"), {"fields": ("first_name", "last_name", "is_coach")}),
        (
            _("Permissions"),
            {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")},
        ),
        (_("Important dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": ("email", "usable_password", "password1", "password2"),
            },
        ),
    )
    list_display = ("email", "first_name", "last_name", "is_coach", "is_staff", "is_active")
    list_filter = ("is_coach", "is_staff", "is_superuser", "is_active")
    search_fields = ("email", "first_name", "last_name")
    ordering = ("email",)
    date_hierarchy = "date_joined"
    readonly_fields = ("last_login", "date_joined")


@admin.register(Athlete)
class AthleteAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("__str__", "email", "sex", "time_zone", "units", "load_model", "created_at")
    list_filter = ("sex", "units", "load_model", "language")
    search_fields = ("user__email", "user__first_name", "user__last_name")
    autocomplete_fields = ("user",)
    list_select_related = ("user",)
    date_hierarchy = "created_at"

    @admin.display(description=_("email"), ordering="user__email")
    def email(self, obj: Athlete) -> str:
        return obj.user.email


@admin.register(CoachAthlete)
class CoachAthleteAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("coach", "athlete", "permission", "status", "started_on", "ended_on")
    list_filter = ("status", "permission")
    search_fields = ("coach__email", "coach__last_name", *ATHLETE_SEARCH)
    autocomplete_fields = ("coach", "athlete", "ended_by")
    list_select_related = ("coach", "athlete__user")
    date_hierarchy = "started_on"


@admin.register(Group)
class GroupAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("name", "coach", "athlete_count")
    search_fields = ("name", "coach__email", "coach__last_name")
    autocomplete_fields = ("coach", "athletes")
    list_select_related = ("coach",)

    def get_queryset(self, request: HttpRequest) -> QuerySet[Group]:
        groups: QuerySet[Group] = super().get_queryset(request)
        return groups.annotate(_athlete_count=Count("athletes"))

    def formfield_for_manytomany(
        self, db_field: ManyToManyField[Any, Any], request: HttpRequest, **kwargs: Any
    ) -> forms.ModelMultipleChoiceField[Any] | None:
        if db_field.name == "athletes":  # named by their users: one query, not one each
            kwargs.setdefault("queryset", Athlete.objects.select_related("user"))
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    @admin.display(description=_("athletes"), ordering="_athlete_count")
    def athlete_count(self, obj: Group) -> int:
        return int(obj._athlete_count)  # type: ignore[attr-defined]


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """Invitations are created by the invitation service (the token travels by email only)."""

    list_display = ("email", "direction", "invited_by", "permission", "status", "expires_at")
    list_filter = ("status", "direction", "permission")
    search_fields = ("email", "invited_by__email")
    autocomplete_fields = ("invited_by", "relationship")
    list_select_related = ("invited_by",)
    date_hierarchy = "created_at"
    readonly_fields = ("token", "created_at")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    @admin.display(description=_("token hash"))
    def token(self, obj: Invitation) -> str:
        return crypto.mask(obj.token_hash)


@admin.register(Thresholds)
class ThresholdsAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = (
        "athlete",
        "sport",
        "valid_from",
        *Thresholds.HR_FIELDS,
        "ftp_w",
        "threshold_pace",
        "css_pace",
    )
    list_filter = ("sport",)
    search_fields = ATHLETE_SEARCH
    autocomplete_fields = ("athlete", "created_by")
    list_select_related = ("athlete__user",)
    date_hierarchy = "valid_from"
    readonly_fields = ("created_at",)

    @admin.display(description=_("threshold pace"), ordering="threshold_speed_mps")
    def threshold_pace(self, obj: Thresholds) -> str:
        return pace(obj.threshold_speed_mps)

    @admin.display(description=_("CSS pace"), ordering="css_mps")
    def css_pace(self, obj: Thresholds) -> str:
        return swim_pace(obj.css_mps)


@admin.register(ZoneSet)
class ZoneSetAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("athlete", "sport", "kind", "valid_from", "bounds")
    list_filter = ("sport", "kind")
    search_fields = ATHLETE_SEARCH
    autocomplete_fields = ("athlete",)
    list_select_related = ("athlete__user",)
    date_hierarchy = "valid_from"
    readonly_fields = ("created_by", "created_at")


@admin.register(Goal)
class GoalAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("name", "athlete", "race_on", "priority", "sport", "distance_km", "target")
    list_filter = ("priority", "sport")
    search_fields = ("name", *ATHLETE_SEARCH)
    autocomplete_fields = ("athlete",)
    list_select_related = ("athlete__user",)
    date_hierarchy = "race_on"

    @admin.display(description=_("distance"), ordering="distance_m")
    def distance_km(self, obj: Goal) -> str:
        return distance(obj.distance_m)

    @admin.display(description=_("target time"), ordering="target_time_s")
    def target(self, obj: Goal) -> str:
        return duration(obj.target_time_s)


def _masked_token(token: Token) -> str:
    return crypto.mask(token.key)


# DRF's admin-only proxy names a token by its key — the secret itself — in page titles,
# breadcrumbs, delete confirmations and the admin's log: there, it is named masked.
TokenProxy.__str__ = _masked_token  # type: ignore[method-assign,assignment]
admin.site.unregister(TokenProxy)


@admin.register(TokenProxy)
class TokenAdmin(DrfTokenAdmin):
    """API tokens are bearer secrets: listed masked, never moved to another user, revoked by
    deleting, issued by logging in."""

    list_display = ("masked_key", "user", "created")
    list_select_related = ("user",)
    search_help_text = _("Email address")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    @admin.display(description=_("key"))
    def masked_key(self, obj: Token) -> str:
        return crypto.mask(obj.key)


@admin.register(WellnessDay)
class WellnessDayAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("athlete", "day", "sleep", "hrv_ms", "resting_hr_bpm", "weight_kg", "source")
    list_filter = ("source",)
    search_fields = ATHLETE_SEARCH
    autocomplete_fields = ("athlete",)
    list_select_related = ("athlete__user",)
    date_hierarchy = "day"
    exclude = ("raw",)
    readonly_fields = ("raw_preview", "updated_at")

    @admin.display(description=_("sleep"), ordering="sleep_s")
    def sleep(self, obj: WellnessDay) -> str:
        return duration(obj.sleep_s)

    @admin.display(description=_("as received"))
    def raw_preview(self, obj: WellnessDay) -> SafeString:
        return json_preview(obj.raw)


admin.site.unregister(Authenticator)


@admin.register(Authenticator)
class AuthenticatorAdmin(ReadOnlyAdmin):
    """Second factors (TOTP secret, recovery codes, security keys): what is stored is named,
    never shown; deleting one resets that factor (its owner sets it up again)."""

    list_display = ("user", "type", "created_at", "last_used_at")
    list_filter = ("type",)
    search_fields = ("user__email", "user__first_name", "user__last_name")
    list_select_related = ("user",)
    date_hierarchy = "created_at"
    fields = ("user", "type", "stored", "created_at", "last_used_at")
    readonly_fields = ("stored",)

    @admin.display(description=_("stored secrets"))
    def stored(self, obj: Authenticator) -> str:
        return ", ".join(sorted(obj.data)) or "—"
