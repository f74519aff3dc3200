"""Forms of the manual log and the CSV import. Values typed in the athlete's units (km or mi,
m or ft) become SI in `ManualLogForm.si_values()`; the views pass them to the services."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.core.validators import MaxValueValidator
from django.utils.translation import gettext_lazy as _

from activities.services.manual import CSV_MAX_BYTES, MAX_DURATION_S
from athletes.models import SPORT_CHOICES
from core.forms import DayField
from core.ranges import SESSION_ASCENT_M, SESSION_DISTANCE_M, SESSION_LOAD
from core.units import (
    IMPERIAL,
    METRES_PER_FOOT,
    metres_per_distance_unit,
    parse_duration,
)

# Foster's session-RPE version of Borg's CR-10 scale (6, 8 and 9 carry no words).
CR10_CHOICES = [
    ("", _("— not rated —")),
    (0, _("0 · Rest")),
    (1, _("1 · Very, very easy")),
    (2, _("2 · Easy")),
    (3, _("3 · Moderate")),
    (4, _("4 · Somewhat hard")),
    (5, _("5 · Hard")),
    (6, "6"),
    (7, _("7 · Very hard")),
    (8, "8"),
    (9, "9"),
    (10, _("10 · Maximal")),
]


class ManualLogForm(forms.Form):
    """A session without a recording: date, sport, duration and whatever else is known."""

    day = DayField(label=_("Date"))
    start_time = forms.TimeField(
        label=_("Start time"),
        required=False,
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        help_text=_(
            "Optional. With a time, an activity recorded then gets this entry added to it."
        ),
    )
    sport = forms.ChoiceField(label=_("Sport"), choices=SPORT_CHOICES)
    title = forms.CharField(
        label=_("Title"),
        required=False,
        max_length=200,
        help_text=_("Optional. Without one, the sport’s name (“Run”)."),
    )
    duration = forms.CharField(
        label=_("Duration"),
        max_length=12,
        widget=forms.TextInput(attrs={"placeholder": "1:00"}),
        help_text=_("h:mm (0:45 is 45 minutes), h:mm:ss, minutes (45) or 1h30."),
    )
    distance = forms.DecimalField(
        label=_("Distance (km)"), required=False, min_value=0, max_digits=8, decimal_places=3
    )
    ascent = forms.DecimalField(
        label=_("Ascent (m)"), required=False, min_value=0, max_digits=7, decimal_places=1
    )
    rpe = forms.TypedChoiceField(
        label=_("Effort (RPE, CR-10)"),
        choices=CR10_CHOICES,
        coerce=int,
        empty_value=None,
        required=False,
        help_text=_("How hard was the whole session? 0 = rest, 10 = maximal."),
    )
    notes = forms.CharField(
        label=_("Notes"), required=False, max_length=10000, widget=forms.Textarea(attrs={"rows": 3})
    )
    load = forms.DecimalField(
        label=_("Training load"),
        required=False,
        **SESSION_LOAD.as_limits(),
        max_digits=6,
        decimal_places=1,
        help_text=_("Optional: a load you computed elsewhere (TSS-like points)."),
    )

    JOURNAL_FIELDS = ("rpe", "notes")

    def __init__(
        self, *args: Any, units: str = "metric", journal: bool = True, **kwargs: Any
    ) -> None:
        """`journal`: whether the viewer writes the athlete's journal (RPE, notes) — the
        athlete alone; a coach logging a session for them gets the form without it."""
        super().__init__(*args, **kwargs)
        if not journal:
            for name in self.JOURNAL_FIELDS:
                del self.fields[name]
        self.units = units
        self.imperial = units == IMPERIAL
        if self.imperial:
            self.fields["distance"].label = _("Distance (mi)")
            self.fields["ascent"].label = _("Ascent (ft)")
        self._limit("distance", SESSION_DISTANCE_M.scaled(self._per_distance_unit).high)
        self._limit("ascent", SESSION_ASCENT_M.scaled(self._per_ascent_unit).high)

    @property
    def _per_distance_unit(self) -> float:
        return metres_per_distance_unit(self.units)

    @property
    def _per_ascent_unit(self) -> float:
        return METRES_PER_FOOT if self.imperial else 1.0

    def _limit(self, name: str, high: float) -> None:
        """The plausible maximum of a field in the athlete's units (core.ranges)."""
        field = self.fields[name]
        field.validators.append(MaxValueValidator(Decimal(f"{high:.3f}")))
        field.widget.attrs["max"] = f"{high:.3f}"

    def clean_duration(self) -> float:
        try:
            seconds = parse_duration(self.cleaned_data["duration"])
        except ValueError:
            raise forms.ValidationError(
                _("Enter the duration as h:mm, h:mm:ss, minutes or 1h30."), code="invalid"
            ) from None
        if not 0 < seconds <= MAX_DURATION_S:
            raise forms.ValidationError(
                _("The duration must be more than zero and at most 48 hours."), code="range"
            )
        return seconds

    def _metres(self, value: Decimal | None, per_unit: float) -> float | None:
        return None if value is None else float(value) * per_unit

    def si_values(self) -> dict[str, Any]:
        """The cleaned values as `manual_activity_log` keyword arguments (SI units)."""
        data = self.cleaned_data
        load = data["load"]
        return {
            "day": data["day"],
            "start_time": data["start_time"],
            "sport": data["sport"],
            "title": data["title"].strip(),
            "duration_s": data["duration"],
            "distance_m": self._metres(data["distance"], self._per_distance_unit),
            "ascent_m": self._metres(data["ascent"], self._per_ascent_unit),
            "rpe": data.get("rpe"),
            "notes": data.get("notes", ""),
            "load": None if load is None else float(load),
        }


class CsvImportForm(forms.Form):
    """One CSV training log (5 MB at most)."""

    file = forms.FileField(
        label=_("CSV file"),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > CSV_MAX_BYTES:
            raise forms.ValidationError(
                _("The file is larger than 5 MB; split it into smaller files."), code="size"
            )
        return upload
