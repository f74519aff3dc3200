"""REST serializers of the athletes app: authentication, the current user, athletes, goals and
thresholds. Values stay in SI units (`distance_m`, `threshold_speed_mps`); clients convert."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers
from rest_framework.exceptions import Throttled

from athletes.models import Athlete, Goal, Thresholds, User
from athletes.services.goals import GOAL_FIELDS
from athletes.services.profiles import ATHLETE_PROFILE_FIELDS
from athletes.services.signin import SignInRefused, credentials_check
from core.api import ModelSerializer


class TokenRequestSerializer(serializers.Serializer[Any]):
    """Email and password, plus the current TOTP code when two-factor authentication is on."""

    email = serializers.EmailField()
    password = serializers.CharField(trim_whitespace=False, style={"input_type": "password"})
    otp = serializers.CharField(
        required=False, allow_blank=True, help_text=_("Current code of the authenticator app.")
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        request = self.context["request"]
        try:
            attrs["user"] = credentials_check(
                request=getattr(request, "_request", request),
                email=attrs["email"],
                password=attrs["password"],
                otp=attrs.get("otp", ""),
            )
        except SignInRefused as refused:
            raise _refusal(refused.code) from refused
        return attrs


def _refusal(code: str) -> Exception:
    if code == "limited":
        return Throttled(detail=_("Too many failed login attempts. Try again in a few minutes."))
    if code == "unverified":
        return serializers.ValidationError(
            _("This email address is not verified yet: follow the link we sent you."),
            code="unverified",
        )
    return serializers.ValidationError(
        _(
            "Unable to log in with these credentials: the email address, the password and, "
            "when two-factor authentication is on, the current code (otp)."
        ),
        code="authorization",
    )


class TokenSerializer(serializers.Serializer[Any]):
    token = serializers.CharField(help_text=_("Send it as `Authorization: Bearer <token>`."))


class UserSerializer(serializers.ModelSerializer[User]):
    class Meta:
        model = User
        fields = ("id", "email", "first_name", "last_name", "display_name", "is_coach")
        read_only_fields = fields


class AthleteProfileSerializer(serializers.ModelSerializer[Athlete]):
    class Meta:
        model = Athlete
        fields = ("id", *ATHLETE_PROFILE_FIELDS)
        read_only_fields = fields


class MeSerializer(serializers.Serializer[Any]):
    user = UserSerializer()
    athlete = AthleteProfileSerializer(allow_null=True)
    is_coach = serializers.BooleanField()
    coached_athlete_count = serializers.IntegerField(
        help_text=_("Athletes on this user's roster (active relationships).")
    )


class AthleteSerializer(serializers.ModelSerializer[Athlete]):
    """An athlete as a viewer sees them, with the viewer's permission on them."""

    user = UserSerializer(read_only=True)
    permission = serializers.ChoiceField(
        choices=["owner", "view", "edit", "full"],
        read_only=True,
        source="viewer_permission",
        help_text=_("owner = the athlete themself; otherwise the coach's permission."),
    )

    class Meta:
        model = Athlete
        fields = (
            "id",
            "user",
            "permission",
            "sex",
            "birth_date",
            "time_zone",
            "units",
            "language",
            "load_model",
        )
        read_only_fields = fields


class GoalSerializer(ModelSerializer):
    class Meta:
        model = Goal
        fields = ("id", *GOAL_FIELDS)
        read_only_fields = fields


class ThresholdsSerializer(ModelSerializer):
    class Meta:
        model = Thresholds
        fields = ("id", "sport", "valid_from", *Thresholds.VALUE_FIELDS, "source", "basis")
        read_only_fields = fields
