"""REST serializers of the athletes app: authentication, the current user, athletes, goals and
thresholds. Values stay in SI units (`distance_m`, `threshold_speed_mps`); clients convert."""

from __future__ import annotations

from typing import Any

from allauth.account import app_settings as account_settings
from allauth.account.utils import has_verified_email
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP
from django.contrib.auth import authenticate
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from athletes.models import Athlete, Goal, Thresholds, User
from core.api import ModelSerializer


class TokenRequestSerializer(serializers.Serializer[Any]):
    """Email and password, plus the current TOTP code when two-factor authentication is on."""

    email = serializers.EmailField()
    password = serializers.CharField(trim_whitespace=False, style={"input_type": "password"})
    otp = serializers.CharField(
        required=False, allow_blank=True, help_text=_("Current code of the authenticator app.")
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        user = authenticate(
            self.context.get("request"), email=attrs["email"].lower(), password=attrs["password"]
        )
        if user is None:
            raise serializers.ValidationError(
                _("Unable to log in with this email address and password."), code="authorization"
            )
        if _verification_required() and not has_verified_email(user):
            raise serializers.ValidationError(
                _("This email address is not verified yet: follow the link we sent you."),
                code="unverified",
            )
        _check_otp(user, attrs.get("otp", ""))
        attrs["user"] = user
        return attrs


def _verification_required() -> bool:
    mandatory = account_settings.EmailVerificationMethod.MANDATORY
    return bool(mandatory == account_settings.EMAIL_VERIFICATION)


def _check_otp(user: User, code: str) -> None:
    """Users with an active TOTP authenticator must send a valid, unused code."""
    authenticator = Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).first()
    if authenticator is None:
        return
    if not code:
        raise serializers.ValidationError(
            {"otp": [_("A code from your authenticator app is required.")]}, code="required"
        )
    if not TOTP(authenticator).validate_code(code.strip()):
        raise serializers.ValidationError({"otp": [_("This code is not valid.")]}, code="invalid")
    authenticator.record_usage()


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
        fields = ("id", "sex", "birth_date", "time_zone", "units", "language", "load_model")
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
        fields = (
            "id",
            "race_on",
            "name",
            "priority",
            "sport",
            "distance_m",
            "ascent_m",
            "target_time_s",
            "notes",
        )
        read_only_fields = fields


class ThresholdsSerializer(ModelSerializer):
    class Meta:
        model = Thresholds
        fields = ("id", "sport", "valid_from", *Thresholds.VALUE_FIELDS)
        read_only_fields = fields
