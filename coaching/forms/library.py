"""Forms of the planner and the workout library. Structured steps are typed in the text syntax
(`coaching.workouts.text`; the step-list editor writes the same text) and cleaned to the
step JSON; durations and distances are entered in display units and cleaned to SI."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from athletes.models import SPORT_CHOICES, Group
from coaching.models import PlannedSession, WorkoutTemplate
from coaching.workouts.text import format_workout, parse
from coaching.workouts.tree import WorkoutError, stored_workout, to_data
from core.forms import IsoDateInput
from core.ranges import SESSION_ASCENT_M, SESSION_DISTANCE_M, SESSION_DURATION_S
from core.units import metres_per_distance_unit, parse_duration

MAX_TAGS = 12


def workout_error_message(error: WorkoutError, text: str = "") -> str:
    """The translated message, with the position as line and column when there is one."""
    message = gettext(error.template) % error.params if error.params else gettext(error.template)
    if error.position is None:
        return message
    before = text[: error.position]
    line, column = before.count("\n") + 1, len(before.rsplit("\n", 1)[-1]) + 1
    where = gettext("line %(line)d, column %(column)d") % {"line": line, "column": column}
    return f"{message} ({where})"


def steps_text(steps: Any, sport: str) -> str:
    """The text-syntax form of stored steps ("" for none)."""
    workout = stored_workout(steps)
    return format_workout(workout, sport=sport) if workout.nodes else ""


class WorkoutFormMixin(forms.Form):
    """A `steps_text` field cleaned to `cleaned_data["steps"]` (the step JSON), plus duration
    (h:mm or minutes) and distance (km or mi) in display units. Needs `units`."""

    steps_text = forms.CharField(
        label=_("Workout steps"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 5, "spellcheck": "false", "class": "workout-text"}),
        help_text=_("e.g. warmup 15m, 5x (3m 105% FTP, 2m Z1), cooldown 10m"),
    )
    duration_text = forms.CharField(
        label=_("Duration"),
        required=False,
        max_length=12,
        help_text=_("h:mm, or minutes; leave empty with steps"),
    )
    distance_value = forms.FloatField(label=_("Distance"), required=False)

    def __init__(self, *args: Any, units: str = "metric", **kwargs: Any) -> None:
        self.units = units
        super().__init__(*args, **kwargs)
        limits = SESSION_DISTANCE_M.scaled(metres_per_distance_unit(units))
        self.fields["distance_value"] = forms.FloatField(
            label=_("Distance"),
            required=False,
            help_text=gettext("mi") if units == "imperial" else "km",
            **limits.as_limits(),
        )
        if "ascent_m" in self.fields:  # the model field has no bounds of its own
            self.fields["ascent_m"] = forms.FloatField(
                label=self.fields["ascent_m"].label,
                required=False,
                **SESSION_ASCENT_M.as_limits(),
            )
        if "sport" in self.fields:  # the model's choices are bare values; show translated names
            self.fields["sport"].choices = SPORT_CHOICES  # type: ignore[attr-defined]

    def clean_duration_text(self) -> float | None:
        text = self.cleaned_data["duration_text"].strip()
        if not text:
            return None
        try:
            seconds = parse_duration(text)
        except ValueError:
            raise ValidationError(
                _("Enter a duration as h:mm or minutes."), code="invalid"
            ) from None
        if not SESSION_DURATION_S.contains(seconds):
            raise ValidationError(
                _("The duration must be more than zero and at most %(hours)s hours."),
                code="range",
                params={"hours": f"{SESSION_DURATION_S.high / 3600:.0f}"},
            )
        return seconds

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        text = data.get("steps_text") or ""
        try:
            workout = parse(text, sport=data.get("sport") or "run") if text.strip() else None
        except WorkoutError as error:
            self.add_error("steps_text", workout_error_message(error, text))
            return data
        data["steps"] = to_data(workout) if workout else []
        data["duration_s"] = data.get("duration_text")
        distance = data.get("distance_value")
        data["distance_m"] = distance * metres_per_distance_unit(self.units) if distance else None
        return data


class PlannedSessionForm(WorkoutFormMixin, forms.ModelForm):  # type: ignore[type-arg]
    """Add or edit a planned session."""

    field_order = ["day", "sport", "session_type", "title", "steps_text", "description"]

    class Meta:
        model = PlannedSession
        fields = ["day", "sport", "session_type", "title", "description", "ascent_m", "hidden"]
        widgets = {
            "day": IsoDateInput(),
            "description": forms.Textarea(attrs={"rows": 3}),
        }

    def session_fields(self) -> dict[str, Any]:
        """What the planned-session services take."""
        data = self.cleaned_data
        names = ("sport", "session_type", "title", "description", "ascent_m", "hidden")
        return {name: data[name] for name in names} | {
            "steps": data["steps"],
            "duration_s": data["duration_s"],
            "distance_m": data["distance_m"],
        }


class WorkoutTemplateForm(WorkoutFormMixin, forms.ModelForm):  # type: ignore[type-arg]
    """Create or edit a template of the coach's library."""

    tags_text = forms.CharField(
        label=_("Tags"), required=False, max_length=300, help_text=_("Separated by commas")
    )
    field_order = ["name", "sport", "session_type", "steps_text", "description", "tags_text"]

    class Meta:
        model = WorkoutTemplate
        fields = ["name", "sport", "session_type", "description", "shared_with"]
        widgets = {"shared_with": forms.CheckboxSelectMultiple}

    def __init__(self, *args: Any, owner: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        shared = self.fields["shared_with"]
        assert isinstance(shared, forms.ModelMultipleChoiceField)
        shared.queryset = owner.coach_groups.all() if owner is not None else Group.objects.none()
        if self.instance.pk and not self.is_bound:
            self.initial["tags_text"] = ", ".join(self.instance.tags)
            self.initial["steps_text"] = steps_text(self.instance.steps, self.instance.sport)

    def clean_tags_text(self) -> list[str]:
        tags = [tag.strip() for tag in self.cleaned_data["tags_text"].split(",") if tag.strip()]
        if len(tags) > MAX_TAGS:
            raise ValidationError(_("At most %(count)d tags."), params={"count": MAX_TAGS})
        return list(dict.fromkeys(tag[:30] for tag in tags))
