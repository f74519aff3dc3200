"""Form conventions shared by every app.

A browser's `<input type="date">` accepts only an ISO value ("2026-12-05"): a localized one
("05/12/2026" in French) leaves it empty. Every date field of every form therefore uses
`DayField` (or, in a ModelForm, the `IsoDateInput` widget), whatever the active language.
"""

from __future__ import annotations

from typing import Any

from django import forms

ISO_DATE = "%Y-%m-%d"


class IsoDateInput(forms.DateInput):
    """A browser date picker whose value is always ISO yyyy-mm-dd."""

    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs, format=ISO_DATE)


class DayField(forms.DateField):
    """A date field shown as a browser date picker (ISO value in every language)."""

    widget = IsoDateInput
