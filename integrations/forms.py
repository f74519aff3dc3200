"""Forms of the Connections page: a Garmin sign-in, its MFA code, a backfill's first day,
Strava's choices, a calendar address."""

from __future__ import annotations

from typing import Any

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
    share_wellness = forms.BooleanField(
        label=_("Share my wellness with my coaches"),
        required=False,
        help_text=_(
            "Your coaches would see your sleep, overnight HRV, resting heart rate, body battery, "
            "stress, weight and steps on your Wellness page. Off unless you tick it; you can "
            "change it at any time on that page."
        ),
    )

    def __init__(self, *args: Any, asks_consent: bool = True, **kwargs: Any) -> None:
        """`asks_consent`: the athlete is the one connecting (a coach cannot consent for them)."""
        super().__init__(*args, **kwargs)
        if not asks_consent:
            del self.fields["share_wellness"]


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


class CalendarForm(forms.Form):
    url = forms.CharField(
        label=_("Calendar address (iCal)"),
        max_length=2000,
        widget=forms.TextInput(
            attrs={"inputmode": "url", "autocomplete": "off", "placeholder": "webcal://…"}
        ),
        help_text=_(
            "In TrainingPeaks: Settings → Calendar → iCal feed (it may need Premium). Anyone "
            "with this address reads your calendar: Paceline keeps it encrypted."
        ),
    )


class StravaOptionsForm(forms.Form):
    """What the athlete chooses about Strava: sharing with coaches (the athlete only) and
    leaving Garmin's activities to the Garmin sync."""

    share_strava = forms.BooleanField(
        label=_("Show my Strava activities to my coaches"),
        required=False,
        help_text=_(
            "Activities, samples and maps that come from Strava stay yours alone unless you "
            "tick this (Strava's terms). Files, Garmin and manual entries are not affected. "
            "You can change it at any time."
        ),
    )
    skip_garmin = forms.BooleanField(
        label=_("Only activities that did not come from Garmin"),
        required=False,
        help_text=_(
            "Strava copies what your Garmin uploads; with Garmin connected here too, those "
            "arrive through Garmin with their original file."
        ),
    )

    def __init__(self, *args: Any, asks_consent: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not asks_consent:
            del self.fields["share_strava"]
