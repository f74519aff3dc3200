"""Forms of the Connections page: a Garmin sign-in, its MFA code, a backfill's first day."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import DayField


class GarminSignInForm(forms.Form):
    email = forms.EmailField(label=_("Garmin email"), max_length=254)
    password = forms.CharField(
        label=_("Garmin password"),
        max_length=256,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "off"}),
        help_text=_("Used once to sign in, then forgotten: Paceline keeps Garmin's tokens only."),
    )


class GarminCodeForm(forms.Form):
    code = forms.CharField(
        label=_("Code from Garmin"),
        max_length=20,
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "autocomplete": "one-time-code", "autofocus": True}
        ),
    )


class BackfillForm(forms.Form):
    since = DayField(label=_("Fetch activities from"))
