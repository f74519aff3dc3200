"""Forms of the athlete's journal (RPE, feel, notes) and of comments."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from django import forms
from django.utils.translation import gettext_lazy as _

from activities.forms.manual import CR10_CHOICES
from activities.services.journal import NOTES_MAX_CHARS
from coaching.services.comments import BODY_MAX_CHARS

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

FEEL_CHOICES = [
    ("", _("— not rated —")),
    (1, _("1 · Very weak")),
    (2, _("2 · Weak")),
    (3, _("3 · Normal")),
    (4, _("4 · Strong")),
    (5, _("5 · Very strong")),
]


def _rating(label: StrOrPromise, choices: Sequence[tuple[Any, Any]]) -> forms.TypedChoiceField:
    return forms.TypedChoiceField(
        label=label, choices=choices, coerce=int, empty_value=None, required=False
    )


class QuickLogForm(forms.Form):
    """RPE and feel only: the home page's prompt."""

    rpe = _rating(_("Effort (RPE, CR-10)"), CR10_CHOICES)
    feel = _rating(_("Feel"), FEEL_CHOICES)

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        if data.get("rpe") is None:
            self.add_error("rpe", _("Choose how hard the session was."))
        return data


class JournalForm(forms.Form):
    """RPE (Foster's CR-10), feel (1–5) and notes of one activity."""

    rpe = _rating(_("Effort (RPE, CR-10)"), CR10_CHOICES)
    feel = _rating(_("Feel"), FEEL_CHOICES)
    notes = forms.CharField(
        label=_("Notes"),
        required=False,
        max_length=NOTES_MAX_CHARS,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class CommentForm(forms.Form):
    body = forms.CharField(
        label=_("Comment"),
        max_length=BODY_MAX_CHARS,
        strip=True,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
