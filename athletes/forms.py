"""Forms of the athletes app. The signup form adds a name and a role to allauth's signup."""

from __future__ import annotations

from django import forms
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from athletes.models import User


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
