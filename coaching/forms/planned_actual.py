"""The planned-vs-actual page's query string: range (first/last day or a preset of weeks),
buckets, metric and sport. Anything unreadable is a form error (the page answers 400)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from athletes.models import SPORT_CHOICES
from coaching.display.planned_actual import METRIC_LABELS
from coaching.selectors.planned_actual import METRIC_KEYS
from coaching.selectors.planner import week_start_of
from core.forms import DayField

DEFAULT_WEEKS = 8
MAX_DAYS = 3 * 366  # "at most three years"
PRESETS = [(4, _("4 weeks")), (8, _("8 weeks")), (12, _("12 weeks")), (26, _("This season"))]


class PlannedActualForm(forms.Form):
    first = DayField(label=_("First day"), required=False)
    last = DayField(label=_("Last day"), required=False)
    weeks = forms.TypedChoiceField(
        label=_("Period"), choices=PRESETS, coerce=int, required=False, empty_value=None
    )
    bucket = forms.ChoiceField(
        label=_("Per"), choices=[("week", _("Week")), ("day", _("Day"))], required=False
    )
    metric = forms.ChoiceField(
        label=_("Metric"), choices=[(k, METRIC_LABELS[k]) for k in METRIC_KEYS], required=False
    )
    sport = forms.ChoiceField(
        label=_("Sport"), choices=[("", _("All sports")), *SPORT_CHOICES], required=False
    )

    def __init__(self, *args: Any, today: dt.date, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.today = today

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.errors:
            return data
        first, last = _range(data.get("first"), data.get("last"), data.get("weeks"), self.today)
        if first > last:
            raise forms.ValidationError(_("The first day must not be after the last day."))
        if (last - first).days + 1 > MAX_DAYS:
            raise forms.ValidationError(_("Choose a range of at most three years."))
        data.update(
            first=first,
            last=last,
            bucket=data.get("bucket") or "week",
            metric=data.get("metric") or "time",
        )
        return data


def _range(
    first: dt.date | None, last: dt.date | None, weeks: int | None, today: dt.date
) -> tuple[dt.date, dt.date]:
    """The days asked for: a preset of weeks ending this Sunday (the default: 8), else the
    dates given, a missing last day being this Sunday and a missing first day 8 weeks back."""
    sunday = week_start_of(today) + dt.timedelta(days=6)
    if weeks or (first is None and last is None):
        return sunday - dt.timedelta(days=7 * (weeks or DEFAULT_WEEKS) - 1), sunday
    if last is None:
        assert first is not None
        return first, max(sunday, first)
    try:
        back = week_start_of(last) - dt.timedelta(weeks=DEFAULT_WEEKS - 1)
    except OverflowError:
        raise forms.ValidationError(_("Choose a later last day.")) from None
    return first or back, last
