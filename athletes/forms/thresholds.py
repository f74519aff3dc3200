"""Forms for thresholds, custom zones and goals. Values are entered in display units (pace as
m:ss per km or mile, CSS per 100 m, distance in km or miles) and cleaned to SI units."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.utils.translation import gettext_lazy as _

from athletes.models import SPORT_CHOICES, THRESHOLD_SPORT_CHOICES, Goal, Thresholds, ZoneSet
from athletes.zones import Zone
from core.forms import DayField
from core.ranges import GOAL_ASCENT_M, GOAL_DISTANCE_M, GOAL_TIME_S
from core.units import (
    IMPERIAL,
    METRES_PER_SWIM_PACE,
    format_clock,
    format_duration,
    format_pace_value,
    format_swim_pace_value,
    is_finite_number,
    metres_per_distance_unit,
    pace_s_from_speed,
    parse_duration,
    parse_pace,
    speed_from_pace_s,
)

PACE_HELP = _("m:ss, e.g. 4:10")


def _speed(text: str, per_m: float) -> float | None:
    if not text.strip():
        return None
    try:
        return speed_from_pace_s(parse_pace(text), per_m)
    except ValueError:
        raise ValidationError(_("Enter a pace as m:ss, e.g. 4:10."), code="invalid") from None


class ServiceErrorsMixin:
    """Puts a service's ValidationError on the matching form fields (others on the form)."""

    FIELD_MAP: dict[str, str] = {}

    def add_service_errors(self, error: ValidationError) -> None:
        form: forms.BaseForm = self  # type: ignore[assignment]
        if not hasattr(error, "error_dict"):
            form.add_error(None, error)
            return
        for name, messages in error.message_dict.items():
            target = self.FIELD_MAP.get(name, name)
            field = target if target in form.fields and target != NON_FIELD_ERRORS else None
            for message in messages:
                form.add_error(field, message)


class ThresholdsForm(ServiceErrorsMixin, forms.Form):
    """A new thresholds row; empty values are carried forward from the previous row."""

    FIELD_MAP = {"threshold_speed_mps": "threshold_pace", "css_mps": "css_pace"}

    sport = forms.ChoiceField(label=_("Sport"), choices=THRESHOLD_SPORT_CHOICES)
    valid_from = DayField(label=_("Valid from"))
    hr_max_bpm = forms.IntegerField(label=_("Max HR (bpm)"), required=False)
    hr_rest_bpm = forms.IntegerField(label=_("Resting HR (bpm)"), required=False)
    lthr_bpm = forms.IntegerField(label=_("Threshold HR (bpm)"), required=False)
    ftp_w = forms.IntegerField(label=_("FTP (W)"), required=False)
    threshold_pace = forms.CharField(
        label=_("Threshold pace"), required=False, max_length=8, help_text=PACE_HELP
    )
    css_pace = forms.CharField(
        label=_("CSS pace (per 100 m)"),
        required=False,
        max_length=8,
        help_text=_("m:ss, e.g. 1:45"),
    )

    def __init__(self, *args: Any, units: str = "metric", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.units = units
        per = _("per mile") if units == IMPERIAL else _("per km")
        self.fields["threshold_pace"].label = f"{_('Threshold pace')} ({per})"

    def clean_threshold_pace(self) -> float | None:
        return _speed(self.cleaned_data["threshold_pace"], metres_per_distance_unit(self.units))

    def clean_css_pace(self) -> float | None:
        return _speed(self.cleaned_data["css_pace"], METRES_PER_SWIM_PACE)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        rest, hr_max = data.get("hr_rest_bpm"), data.get("hr_max_bpm")
        if rest is not None and hr_max is not None and rest >= hr_max:
            self.add_error("hr_rest_bpm", _("Resting heart rate must be below max heart rate."))
        return data

    @staticmethod
    def initial_from(row: Thresholds, *, units: str) -> dict[str, Any]:
        """The form's initial data to edit `row` (same sport and day: saving replaces it)."""
        return {
            "sport": row.sport,
            "valid_from": row.valid_from,
            "hr_max_bpm": row.hr_max_bpm,
            "hr_rest_bpm": row.hr_rest_bpm,
            "lthr_bpm": row.lthr_bpm,
            "ftp_w": row.ftp_w,
            "threshold_pace": format_pace_value(row.threshold_speed_mps, units),
            "css_pace": format_swim_pace_value(row.css_mps),
        }

    def values(self) -> dict[str, Any]:
        """Keyword arguments for `thresholds_set` (SI units)."""
        data = self.cleaned_data
        return {
            "sport": data["sport"],
            "valid_from": data["valid_from"],
            "hr_max_bpm": data["hr_max_bpm"],
            "hr_rest_bpm": data["hr_rest_bpm"],
            "lthr_bpm": data["lthr_bpm"],
            "ftp_w": data["ftp_w"],
            "threshold_speed_mps": data["threshold_pace"],
            "css_mps": data["css_pace"],
        }


MAX_ZONES = 10


def _labelled(label: str, max_length: int) -> forms.CharField:
    """An optional text field labelled for screen readers (the zones table has no <label>)."""
    widget = forms.TextInput(attrs={"aria-label": label})
    return forms.CharField(label=label, required=False, max_length=max_length, widget=widget)


class ZoneSetForm(ServiceErrorsMixin, forms.Form):
    """Custom zones: one name per zone and the lower bound of every zone above the first.

    Bounds are in display units: bpm, W, or pace m:ss per km/mile (per 100 m when swimming) —
    for pace, the bound is the slowest pace of the zone.
    """

    valid_from = DayField(label=_("Valid from"))

    def __init__(
        self, *args: Any, kind: str, sport: str, units: str = "metric", **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.kind, self.sport, self.units = kind, sport, units
        for i in range(MAX_ZONES):
            self.fields[f"name_{i}"] = _labelled(_("Zone %(n)s name") % {"n": i + 1}, 40)
            if i:
                self.fields[f"bound_{i}"] = _labelled(_("Zone %(n)s starts at") % {"n": i + 1}, 10)

    @property
    def per_m(self) -> float:
        if self.sport == "swim":
            return METRES_PER_SWIM_PACE
        return metres_per_distance_unit(self.units)

    def rows(self) -> list[tuple[forms.BoundField, forms.BoundField | None]]:
        """(name, bound) pairs for the template; the first zone has no lower bound."""
        return [(self[f"name_{i}"], self[f"bound_{i}"] if i else None) for i in range(MAX_ZONES)]

    def _bound(self, i: int) -> float:
        text = self.cleaned_data.get(f"bound_{i}", "").strip()
        if not text:
            raise ValidationError(_("Enter where this zone starts."))
        if self.kind == ZoneSet.Kind.PACE:
            speed = _speed(text, self.per_m)
            assert speed is not None
            return speed
        try:
            value = float(text)
        except ValueError:
            raise ValidationError(_("Enter a number.")) from None
        if not is_finite_number(value):
            raise ValidationError(_("Enter a number."))
        return value

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        names = [data.get(f"name_{i}", "").strip() for i in range(MAX_ZONES)]
        count = len(names) - next((i for i, n in enumerate(reversed(names)) if n), len(names))
        if count < 2 or not all(names[:count]):
            raise ValidationError(_("Name at least two zones, without gaps."))
        bounds: list[float] = []
        for i in range(1, count):
            try:
                bounds.append(self._bound(i))
            except ValidationError as error:
                self.add_error(f"bound_{i}", error)
        data["names"], data["bounds"] = names[:count], bounds
        return data

    def initial_from(self, zones: list[Zone]) -> None:
        """Prefill the rows from the zones in force (SI bounds shown in display units)."""
        for i, zone in enumerate(zones[:MAX_ZONES]):
            self.initial[f"name_{i}"] = zone.name
            if i:
                self.initial[f"bound_{i}"] = self._display(zone.low)

    def _display(self, value: float) -> str:
        if self.kind == ZoneSet.Kind.PACE:
            return format_clock(pace_s_from_speed(value, self.per_m))
        return f"{value:.0f}" if float(value).is_integer() else f"{value:.1f}"


class GoalForm(ServiceErrorsMixin, forms.Form):
    """A race or objective; distance in km or miles, target time h:mm:ss."""

    FIELD_MAP = {
        "distance_m": "distance",
        "target_time_s": "target_time",
        "weekly_distance_m": "weekly_distance",
        "weekly_duration_s": "weekly_hours",
    }

    name = forms.CharField(label=_("Name"), max_length=120)
    race_on = DayField(label=_("Date"))
    priority = forms.ChoiceField(
        label=_("Priority"), choices=Goal.Priority.choices, initial=Goal.Priority.B
    )
    sport = forms.ChoiceField(label=_("Sport"), choices=SPORT_CHOICES, initial="run")
    distance = forms.FloatField(label=_("Distance"), required=False)
    ascent_m = forms.FloatField(label=_("Ascent (m)"), required=False, **GOAL_ASCENT_M.as_limits())
    target_time = forms.CharField(
        label=_("Target time"),
        required=False,
        max_length=10,
        help_text=_("h:mm:ss or h:mm: 0:45 is 45 minutes."),
    )
    weekly_hours = forms.FloatField(
        label=_("Weekly training time (h)"),
        required=False,
        min_value=0.5,
        max_value=60,
        help_text=_("Used by the forecast when no weekly distance is set."),
    )
    notes = forms.CharField(
        label=_("Notes"), required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args: Any, units: str = "metric", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.units = units
        unit = _("mi") if units == IMPERIAL else _("km")
        limits = GOAL_DISTANCE_M.scaled(metres_per_distance_unit(units))
        self.fields["distance"] = forms.FloatField(
            label=f"{_('Distance')} ({unit})", required=False, max_value=limits.high
        )
        self.fields["weekly_distance"] = forms.FloatField(
            label=f"{_('Weekly distance')} ({unit})",
            required=False,
            min_value=1,
            max_value=1000,
            help_text=_(
                "The weekly volume towards this race: the forecast uses it in the weeks "
                "without planned sessions."
            ),
        )
        self.order_fields(
            [
                "name",
                "race_on",
                "priority",
                "sport",
                "distance",
                "ascent_m",
                "target_time",
                "weekly_distance",
                "weekly_hours",
                "notes",
            ]
        )

    def clean_distance(self) -> float | None:
        value: float | None = self.cleaned_data["distance"]
        if value is not None and value <= 0:
            raise ValidationError(_("Distance must be greater than zero."))
        return value

    def clean_target_time(self) -> int | None:
        text = self.cleaned_data["target_time"].strip()
        if not text:
            return None
        try:
            seconds = round(parse_duration(text))
        except ValueError:
            raise ValidationError(_("Enter a time as h:mm:ss, e.g. 3:29:00.")) from None
        if seconds <= 0:
            raise ValidationError(_("Target time must be greater than zero."))
        if not GOAL_TIME_S.contains(seconds):
            raise ValidationError(
                _("Enter a target time of at most %(days)s days."),
                params={"days": f"{GOAL_TIME_S.high / 86400:.0f}"},
            )
        return seconds

    def values(self) -> dict[str, Any]:
        """Keyword arguments for `goal_create` / `goal_update` (SI units)."""
        data = self.cleaned_data
        distance = data["distance"]
        return {
            "name": data["name"],
            "race_on": data["race_on"],
            "priority": data["priority"],
            "sport": data["sport"],
            "distance_m": distance * metres_per_distance_unit(self.units) if distance else None,
            "ascent_m": data["ascent_m"],
            "target_time_s": data["target_time"],
            "notes": data["notes"],
            "weekly_distance_m": (
                data["weekly_distance"] * metres_per_distance_unit(self.units)
                if data["weekly_distance"]
                else None
            ),
            "weekly_duration_s": round(data["weekly_hours"] * 3600)
            if data["weekly_hours"]
            else None,
        }

    @staticmethod
    def initial_for(goal: Goal, units: str) -> dict[str, Any]:
        """Form values of an existing goal, in display units."""
        distance = goal.distance_m / metres_per_distance_unit(units) if goal.distance_m else None
        return {
            "name": goal.name,
            "race_on": goal.race_on,
            "priority": goal.priority,
            "sport": goal.sport,
            "distance": round(distance, 3) if distance else None,
            "ascent_m": goal.ascent_m,
            "target_time": format_duration(goal.target_time_s) if goal.target_time_s else "",
            "notes": goal.notes,
            "weekly_distance": (
                round(goal.weekly_distance_m / metres_per_distance_unit(units), 1)
                if goal.weekly_distance_m
                else None
            ),
            "weekly_hours": round(goal.weekly_duration_s / 3600, 2)
            if goal.weekly_duration_s
            else None,
        }
