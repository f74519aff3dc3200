"""Forms of the athletes app. The signup form adds a name and a role to allauth's signup."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from athletes.models import Athlete, User
from core.forms import IsoDateInput

EARLIEST_BIRTH_DATE = dt.date(1900, 1, 1)


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
    field_order = ["first_name", "last_name", "email", "password1", "password2", "role"]

    first_name = forms.CharField(label=_("First name"), max_length=150)
    last_name = forms.CharField(label=_("Last name"), max_length=150, required=False)
    role = forms.ChoiceField(
        label=_("How will you use Paceline?"),
        choices=ROLE_CHOICES,
        initial=ROLE_ATHLETE,
        widget=forms.RadioSelect,
    )

    def signup(self, request: HttpRequest, user: User) -> None:
        from athletes.services.profiles import athlete_profile_ensure, self_coaching_start

        user.first_name = self.cleaned_data["first_name"]
        user.last_name = self.cleaned_data.get("last_name", "")
        role = self.cleaned_data["role"]
        user.is_coach = role in (self.ROLE_COACH, self.ROLE_SELF)
        user.save(update_fields=["first_name", "last_name", "is_coach"])
        athlete_profile_ensure(user=user, language=getattr(request, "LANGUAGE_CODE", "en"))
        if role == self.ROLE_SELF:
            self_coaching_start(user=user)


class ProfileForm(forms.ModelForm):  # type: ignore[type-arg]
    """An athlete's profile; the name fields only when the athlete edits themself.

    The view passes `cleaned_data` to `athlete_profile_update`; `save()` is not used.
    """

    first_name = forms.CharField(label=_("First name"), max_length=150)
    last_name = forms.CharField(label=_("Last name"), max_length=150, required=False)

    class Meta:
        model = Athlete
        fields = ["sex", "birth_date", "time_zone", "units", "language", "load_model"]
        widgets = {"birth_date": IsoDateInput()}
        help_texts = {
            "sex": _("Used by the heart-rate load formula (TRIMP)."),
            "time_zone": _("Days and weeks are counted in this time zone."),
            "load_model": _("How the training load of each session is computed."),
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

    def clean_birth_date(self) -> dt.date | None:
        birth_date: dt.date | None = self.cleaned_data.get("birth_date")
        if birth_date is not None and not EARLIEST_BIRTH_DATE <= birth_date <= dt.date.today():
            raise forms.ValidationError(_("Enter a birth date between 1900 and today."))
        return birth_date
