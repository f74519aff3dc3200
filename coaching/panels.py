"""What coaching shows on the activity page (wired in config/wiring.py, ACTIVITY_PANELS): the
journal card (RPE, feel, notes), the planned session it was done for with its compliance, and
the comment thread."""

from __future__ import annotations

from typing import Any, cast

from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

from activities.forms.manual import CR10_CHOICES
from activities.models import Activity
from activities.panels import Panel
from athletes.models import Athlete, User
from athletes.selectors.athletes import athlete_can_edit, athlete_writes_journal
from coaching.forms.journal import FEEL_CHOICES, JournalForm
from coaching.selectors.comments import comment_thread
from coaching.selectors.journal import activity_link_panel, activity_step_report
from coaching.workouts.scoring import session_colour

JOURNAL = "coaching/partials/_activity_journal.html"
LINK = "coaching/partials/_link_panel.html"
THREAD = "coaching/partials/_comment_thread.html"


def activity_coaching_panels(
    request: HttpRequest, *, athlete: Athlete, activity: Activity
) -> list[Panel]:
    """The journal card beside the summary, the planned session, the comments at the end."""
    context = activity_page_context(
        viewer=cast(User, request.user), athlete=athlete, activity=activity
    )
    context |= {"athlete": athlete, "activity": activity}
    return [
        Panel("aside", _render(request, JOURNAL, context)),
        Panel("main", _render(request, LINK, context)),
        Panel("end", _render(request, THREAD, context)),
    ]


def _render(request: HttpRequest, template: str, context: dict[str, Any]) -> Any:
    return mark_safe(render_to_string(template, context, request=request))  # noqa: S308 — our templates


def activity_page_context(*, viewer: User, athlete: Athlete, activity: Activity) -> dict[str, Any]:
    """What the activity page shows from coaching: the journal form (for the athlete), the linked
    session with its compliance, step compliance, and the comment thread."""
    can_edit = athlete_can_edit(viewer=viewer, athlete=athlete)
    panel = activity_link_panel(viewer=viewer, activity=activity, can_edit=can_edit)
    report = None
    if panel.link is not None:
        report = activity_step_report(
            activity=activity, session=panel.link.session, units=athlete.units
        )
    can_log = athlete_writes_journal(viewer=viewer, athlete=athlete)
    return {
        "can_log": can_log,
        "journal_form": journal_form(activity) if can_log else None,
        "journal_labels": journal_labels(activity),
        "link_panel": panel,
        "link_colour": session_colour(
            None if panel.ratio is None else panel.ratio.colour,
            None if report is None else report.share_hit,
        ),
        "step_report": report,
        "thread": comment_thread(viewer=viewer, target=activity, can_comment=can_edit),
        "units": athlete.units,
    }


def journal_labels(activity: Activity) -> dict[str, str]:
    """The RPE and feel of the activity with their scale labels ("7 · Very hard")."""
    rpe = dict(CR10_CHOICES).get(activity.rpe) if activity.rpe is not None else None
    feel = dict(FEEL_CHOICES).get(activity.feel) if activity.feel is not None else None
    return {"rpe": str(rpe or ""), "feel": str(feel or "")}


def journal_form(activity: Activity, data: Any = None) -> JournalForm:
    """The journal form of an activity, filled with what was logged."""
    initial = {"rpe": activity.rpe, "feel": activity.feel, "notes": activity.notes}
    return JournalForm(data, initial=initial)
