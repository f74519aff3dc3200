"""Tags of the workout editor partial (`coaching/partials/_workout_editor.html`): the syntax
help, the values its live preview posts, the words its step list shows, and JSON for the
data- attributes its script reads."""

from __future__ import annotations

import json
from typing import Any

from django import template
from django.core.serializers.json import DjangoJSONEncoder
from django.forms import BoundField
from django.utils.translation import gettext as _

from coaching.workouts.text import SYNTAX_HELP

register = template.Library()


@register.simple_tag
def workout_syntax_help() -> list[tuple[str, str]]:
    """(example, meaning) pairs of the text syntax, meanings translated."""
    return [(example, _(meaning)) for example, meaning in SYNTAX_HELP]


def _name(field: BoundField, other: str, default: str) -> str:
    form = field.form
    return form[other].html_name if other in form.fields else default


@register.simple_tag
def workout_preview_vals(field: BoundField, athlete: Any = None) -> str:
    """The JSON `hx-vals` of the preview: which posted fields hold the text, the sport and the
    day (the form may use a prefix), and the athlete whose thresholds estimate it."""
    values = {
        "text_field": field.html_name,
        "sport_field": _name(field, "sport", "sport"),
        "day_field": _name(field, "day", "day"),
    }
    if getattr(athlete, "pk", None) is not None:  # unset in the template: ""
        values["athlete"] = str(athlete.pk)
    return json.dumps(values)


@register.simple_tag
def workout_list_words() -> dict[str, Any]:
    """Unit labels and messages the step list's script shows (translated)."""
    return {
        "time": _("min:s"),
        "distance": _("m"),
        "zone": _("zone"),
        "percent": {"hr": _("% LTHR"), "power": _("% FTP"), "pace": _("% threshold")},
        "absolute": {"hr": "bpm", "power": "W", "rpe": _("RPE 1–10"), "ride": "km/h"},
        "cadence": {"ride": "rpm", "other": "spm"},
        "pace": {"swim": "/100m", "row": "/500m", "other": "/km"},
        "invalid": _("Check the highlighted values."),
        "stale": _("The text has an error: the list shows the last workout that could be read."),
        "failed": _("The step list could not be turned into text. Try again."),
        "empty": _("No steps yet: add a step or a repeat, or type the workout above."),
    }


@register.filter
def as_json(value: Any) -> str:
    """`value` as JSON text for a data- attribute, where autoescaping makes it safe. The editor
    reads its data from attributes rather than <script type="application/json"> blocks, so
    no page carries a script element without the CSP nonce."""
    return json.dumps(value, cls=DjangoJSONEncoder)
