"""Panels other apps add to the activity page.

`activities` sits below coaching and analytics (DESIGN §4) and never imports them: each app
that shows something on the page lists a provider in `config/wiring.py` (ACTIVITY_PANELS), and
the page asks them in that order. A provider renders its own templates with its own selectors
(the athlete and the activity were looked up through the one door already) and returns panels
placed in one of the page's slots: `aside` (beside the summary), `main` (before the laps) or
`end` (after the sources).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from django.http import HttpRequest
from django.utils.safestring import SafeString

from activities.models import Activity
from athletes.models import Athlete
from core.wiring import wired

SLOTS = ("aside", "main", "end")


@dataclass(frozen=True, slots=True)
class Panel:
    """A rendered piece of the activity page and where it goes."""

    slot: str
    html: SafeString


PanelProvider = Callable[..., Sequence[Panel]]


def activity_panels(
    request: HttpRequest, *, athlete: Athlete, activity: Activity
) -> dict[str, list[SafeString]]:
    """{slot: rendered panels in wiring order} of every provider of ACTIVITY_PANELS."""
    slots: dict[str, list[SafeString]] = {slot: [] for slot in SLOTS}
    providers: Sequence[PanelProvider] = wired("ACTIVITY_PANELS")
    for provider in providers:
        for panel in provider(request, athlete=athlete, activity=activity):
            slots[panel.slot].append(panel.html)
    return slots
