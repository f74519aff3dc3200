"""Forms of the activity pages: list filters and the multi-file upload."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from activities.models import PROVIDER_CHOICES
from athletes.models import SPORT_CHOICES
from core.forms import DayField
from core.uploads import max_archive_bytes, max_file_bytes

UPLOAD_ACCEPT = ".fit,.tcx,.gpx,.gz,.zip"


class ActivityFilterForm(forms.Form):
    """Filters of the activity list; every field is optional."""

    sport = forms.ChoiceField(
        label=_("Sport"), required=False, choices=[("", _("All sports")), *SPORT_CHOICES]
    )
    first = DayField(label=_("From"), required=False)
    last = DayField(label=_("To"), required=False)
    provider = forms.ChoiceField(
        label=_("Source"), required=False, choices=[("", _("All sources")), *PROVIDER_CHOICES]
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        first, last = data.get("first"), data.get("last")
        if first and last and first > last:
            self.add_error("last", _("The end date is before the start date."))
        return data


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files under one name (Django's documented pattern)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": UPLOAD_ACCEPT}))
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[UploadedFile[Any]]:
        single = super().clean
        if isinstance(data, list | tuple) and data:
            return [single(item, initial) for item in data]
        return [single(data, initial)]


class UploadForm(forms.Form):
    uploads = MultipleFileField(label=_("Activity files"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["uploads"].help_text = _(
            "FIT, TCX or GPX files (gzipped too) up to %(limit)s each, or a .zip export up to "
            "%(archive_limit)s."
        ) % {
            "limit": filesizeformat(max_file_bytes()),
            "archive_limit": filesizeformat(max_archive_bytes()),
        }
