"""Forms of the attention queue: the coach's thresholds, a dismissal or snooze."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils.translation import gettext_lazy as _

from coaching.models import AttentionSettings
from coaching.selectors.attention import SEVERITY
from core.forms import IsoDateInput

SNOOZE_DAYS = 3


class AttentionSettingsForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = AttentionSettings
        fields = ("form_min", "sleep_min_h", "baseline_k", "rpe_days", "comment_hours")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        limits = {
            "form_min": (-200, 50),
            "sleep_min_h": (0, 24),
            "baseline_k": (0.5, 5),
            "rpe_days": (1, 14),
            "comment_hours": (1, 24 * 14),
        }
        for name, (low, high) in limits.items():
            field = self.fields[name]
            field.validators += [MinValueValidator(low), MaxValueValidator(high)]
            field.widget.attrs.update({"min": low, "max": high})


class AttentionDismissForm(forms.Form):
    """`action` "dismiss" hides the item for good, "snooze" until `until`."""

    kind = forms.ChoiceField(choices=[(kind, kind) for kind in SEVERITY])
    fingerprint = forms.CharField(max_length=100)
    action = forms.ChoiceField(choices=[("dismiss", _("Dismiss")), ("snooze", _("Snooze"))])
    until = forms.DateField(label=_("Snooze until"), required=False, widget=IsoDateInput())

    def __init__(self, *args: Any, today: dt.date, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.today = today

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("action") == "snooze":
            until = data.get("until") or self.today + dt.timedelta(days=SNOOZE_DAYS)
            if until <= self.today:
                self.add_error("until", _("Choose a day after today."))
            data["until"] = until
        else:
            data["until"] = None
        return data
