"""Every date field of every form comes up as an ISO value, whatever the language: a
localized value ("05/12/2026") leaves a browser's date input empty."""

from __future__ import annotations

import datetime as dt
import importlib
import pkgutil
from collections.abc import Iterator

import pytest
from django import forms
from django.utils import translation

from athletes.models import Athlete
from core.forms import DayField, IsoDateInput

APPS = ("athletes", "coaching", "activities", "analytics", "integrations", "core")
DAY = dt.date(2026, 12, 5)


def _form_modules() -> Iterator[str]:
    for app in APPS:
        package = importlib.import_module(app)
        for info in pkgutil.walk_packages(package.__path__, prefix=f"{app}."):
            if ".forms" in info.name or info.name.endswith("forms"):
                yield info.name


def _subclasses(cls: type) -> Iterator[type]:
    for sub in cls.__subclasses__():
        yield sub
        yield from _subclasses(sub)


def project_forms() -> list[type[forms.BaseForm]]:
    for name in _form_modules():
        importlib.import_module(name)
    found = {form for form in _subclasses(forms.BaseForm) if form.__module__.startswith(APPS)}
    return sorted(found, key=lambda form: form.__qualname__)


def date_fields() -> list[tuple[str, forms.Field]]:
    return [
        (f"{form.__qualname__}.{name}", field)
        for form in project_forms()
        for name, field in form.base_fields.items()  # type: ignore[attr-defined]
        if isinstance(field, forms.DateField)
    ]


def test_the_project_has_date_fields_to_check() -> None:
    names = {name for name, _field in date_fields()}
    assert {"ManualLogForm.day", "WeekCopyForm.to_week", "ProfileForm.birth_date"} <= names


@pytest.mark.parametrize(
    ("name", "field"), date_fields(), ids=lambda v: v if isinstance(v, str) else ""
)
def test_every_date_field_renders_an_iso_value_in_french(name: str, field: forms.Field) -> None:
    assert isinstance(field.widget, IsoDateInput), f"{name} must use core.forms.IsoDateInput"
    with translation.override("fr"):
        html = field.widget.render("day", DAY)
    assert 'type="date"' in html
    assert 'value="2026-12-05"' in html


def test_a_day_field_reads_the_iso_value_a_browser_sends_in_french() -> None:
    with translation.override("fr"):
        assert DayField().clean("2026-12-05") == DAY


@pytest.mark.django_db
def test_the_manual_log_and_copy_week_forms_render_iso_dates_in_french() -> None:
    from activities.forms.manual import ManualLogForm
    from coaching.forms.planner import WeekCopyForm

    with translation.override("fr"):
        manual = str(ManualLogForm(initial={"day": DAY})["day"])
        copy = str(WeekCopyForm(initial={"to_week": DAY}, athletes=Athlete.objects.none()))
    assert 'value="2026-12-05"' in manual
    assert 'value="2026-12-05"' in copy
