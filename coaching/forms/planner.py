"""Small forms of the weekly planner: move, paste, plan from a template, copy a week."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from athletes.models import Athlete
from coaching.models import WeekCopy, WorkoutTemplate
from coaching.selectors.planner import week_start_of
from core.forms import DayField

MAX_POSITION = 50


class SessionMoveForm(forms.Form):
    """Where a dragged session lands: the day and its place among that day's sessions."""

    day = DayField()
    position = forms.IntegerField(min_value=0, max_value=MAX_POSITION, required=False)


class SessionPasteForm(forms.Form):
    """The copied session (from the page's clipboard) and the day to paste it on."""

    session = forms.IntegerField(min_value=1)
    day = DayField()


class TemplateApplyForm(forms.Form):
    """A template of the viewer's library (or shared with them) planned on a day."""

    template = forms.ModelChoiceField(queryset=WorkoutTemplate.objects.none())
    day = DayField()
    hidden = forms.BooleanField(label=_("Draft (hidden from the athlete)"), required=False)

    def __init__(self, *args: Any, templates: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["template"].queryset = templates  # type: ignore[attr-defined]


class WeekCopyForm(forms.Form):
    """Copy the week to the week holding `to_week`, for each chosen athlete."""

    to_week = DayField(label=_("To the week of"))
    athletes = forms.ModelMultipleChoiceField(
        label=_("For"),
        queryset=Athlete.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Each copy is estimated with that athlete's thresholds."),
    )
    mode = forms.ChoiceField(
        label=_("The target week's sessions"),
        choices=[
            (WeekCopy.Mode.MERGE, _("Merge: keep them and add the copies")),
            (
                WeekCopy.Mode.REPLACE,
                _("Replace: remove them first (sessions linked to an activity or commented stay)"),
            ),
        ],
        initial=WeekCopy.Mode.MERGE,
        widget=forms.RadioSelect,
    )
    confirm = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, athletes: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["athletes"].queryset = athletes  # type: ignore[attr-defined]

    def clean_to_week(self) -> dt.date:
        return week_start_of(self.cleaned_data["to_week"])


MAX_ATHLETE_ID_DIGITS = 12


class GroupPlanForm(forms.Form):
    """A template of the viewer's library planned on a day for a group; `athletes` are the
    members the coach saw in the preview (absent on the first step)."""

    template = forms.ModelChoiceField(label=_("Workout"), queryset=WorkoutTemplate.objects.none())
    day = DayField(label=_("Day"))
    hidden = forms.BooleanField(label=_("Draft (hidden from the athletes)"), required=False)
    confirm = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, templates: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["template"].queryset = templates  # type: ignore[attr-defined]

    def athlete_ids(self) -> list[int] | None:
        """The athletes of the preview (ids only: the selector scopes them), or None."""
        if not self.is_bound or not hasattr(self.data, "getlist"):
            return None
        values = self.data.getlist("athletes")
        ids = [int(v) for v in values if v.isdigit() and len(v) <= MAX_ATHLETE_ID_DIGITS]
        return ids if values else None
