"""Forms of the athletes app. The signup form adds a name and a role to allauth's signup."""

from __future__ import annotations

import datetime as dt
from typing import Any

from allauth.core import context
from django import forms
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from athletes.adapters import session_invitation
from athletes.models import Athlete, Invitation, User
from athletes.services.profiles import ATHLETE_PROFILE_FIELDS
from core.forms import IsoDateInput

EARLIEST_BIRTH_DATE = dt.date(1900, 1, 1)
SEX_HELP = _(
    "Used by the heart-rate load formula (TRIMP). Not given: its male coefficients are used."
)


class SignupForm(forms.Form):
    """Extra signup fields; allauth calls `signup` once the user exists."""

    ROLE_ATHLETE = "athlete"
    ROLE_COACH = "coach"
    ROLE_SELF = "self"
    ROLE_CHOICES = [
        (ROLE_ATHLETE, _("I am an athlete (my coach will invite me, or I will invite them)")),
        (ROLE_COACH, _("I am a coach")),
        (ROLE_SELF, _("I coach myself")),
    ]
    # allauth's signup form honours this order for its own fields and ours.
    field_order = ["first_name", "last_name", "email", "password1", "password2", "role", "sex"]

    first_name = forms.CharField(label=_("First name"), max_length=150)
    last_name = forms.CharField(label=_("Last name"), max_length=150, required=False)
    role = forms.ChoiceField(
        label=_("How will you use Paceline?"),
        choices=ROLE_CHOICES,
        initial=ROLE_ATHLETE,
        widget=forms.RadioSelect,
    )
    sex = forms.ChoiceField(
        label=_("Sex"),
        choices=Athlete.Sex.choices,
        initial=Athlete.Sex.UNKNOWN,
        required=False,
        help_text=SEX_HELP,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        invitation = _opened_invitation()
        if invitation is not None:  # the invitee signs up: their address, their side
            self.initial.setdefault("email", invitation.email)
            to_athlete = invitation.direction == Invitation.Direction.COACH_INVITES_ATHLETE
            self.initial.setdefault("role", self.ROLE_ATHLETE if to_athlete else self.ROLE_COACH)

    def signup(self, request: HttpRequest, user: User) -> None:
        from athletes.services.profiles import athlete_profile_ensure, self_coaching_start

        user.first_name = self.cleaned_data["first_name"]
        user.last_name = self.cleaned_data.get("last_name", "")
        role = self.cleaned_data["role"]
        user.is_coach = role in (self.ROLE_COACH, self.ROLE_SELF)
        user.save(update_fields=["first_name", "last_name", "is_coach"])
        language = getattr(request, "LANGUAGE_CODE", "en")
        athlete_profile_ensure(user=user, language=language, sex=self.cleaned_data.get("sex", ""))
        if role == self.ROLE_SELF:
            self_coaching_start(user=user)


def _opened_invitation() -> Invitation | None:
    """The invitation this browser opened before signing up (allauth's current request)."""
    request = context.request
    return session_invitation(request) if request is not None else None


TIME_CONSTANTS = ("fitness_days", "fatigue_days")


class ProfileForm(forms.ModelForm):  # type: ignore[type-arg]
    """An athlete's profile; the name fields only when the athlete edits themself.

    The view passes `cleaned_data` to `athlete_profile_update`; `save()` is not used.
    """

    first_name = forms.CharField(label=_("First name"), max_length=150)
    last_name = forms.CharField(label=_("Last name"), max_length=150, required=False)

    class Meta:
        model = Athlete
        fields = list(ATHLETE_PROFILE_FIELDS)
        widgets = {"birth_date": IsoDateInput()}
        help_texts = {
            "sex": SEX_HELP,
            "time_zone": _("Days and weeks are counted in this time zone."),
            "load_model": _("How the training load of each session is computed."),
            "fitness_days": _("Days over which Fitness averages the load; usually 42."),
            "fatigue_days": _("Days over which Fatigue averages the load; usually 7."),
        }

    def __init__(self, *args: Any, include_names: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if include_names:
            self.fields["first_name"].initial = self.instance.user.first_name
            self.fields["last_name"].initial = self.instance.user.last_name
            self.order_fields(["first_name", "last_name"])
        else:
            del self.fields["first_name"]
            del self.fields["last_name"]
        for name in TIME_CONSTANTS:  # left empty: unchanged (clients that predate them)
            self.fields[name].required = False

    def clean_fitness_days(self) -> int:
        return self._kept("fitness_days")

    def clean_fatigue_days(self) -> int:
        return self._kept("fatigue_days")

    def _kept(self, name: str) -> int:
        value: int | None = self.cleaned_data.get(name)
        return getattr(self.instance, name) if value is None else value

    def clean_birth_date(self) -> dt.date | None:
        birth_date: dt.date | None = self.cleaned_data.get("birth_date")
        if birth_date is not None and not EARLIEST_BIRTH_DATE <= birth_date <= dt.date.today():
            raise forms.ValidationError(_("Enter a birth date between 1900 and today."))
        return birth_date
