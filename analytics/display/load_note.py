"""What the activity page says about the thresholds behind a load: assumed from a later row,
estimated and not confirmed yet, or — without a load — why, and what fixes it."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.urls import reverse
from django.utils.translation import gettext

from activities.models import Activity
from analytics.models import ActivityMetrics
from athletes.models import Athlete
from athletes.selectors.thresholds import ThresholdValues, own_sport, thresholds_on
from athletes.templatetags.units import sport_label
from core.sports import Sport


@dataclass(frozen=True, slots=True)
class LoadNote:
    """`assumed_from`: the day of the thresholds used when they start after the activity;
    `estimated`: they were estimated and nobody confirmed them; `reason`: why there is no
    load and what fixes it; `thresholds_url`: the page that fixes it."""

    assumed_from: dt.date | None
    estimated: bool
    reason: str
    thresholds_url: str


def load_note(*, athlete: Athlete, activity: Activity, metrics: ActivityMetrics) -> LoadNote:
    """The note under the activity's load (one query: the thresholds in force)."""
    values = thresholds_on(athlete=athlete, sport=activity.sport, day=activity.day)
    manual = metrics.load_source == "manual"
    page = reverse("thresholds", args=[athlete.id])
    assumed = values is not None and values.assumed_on(activity.day) and not manual
    return LoadNote(
        assumed_from=values.valid_from if values is not None and assumed else None,
        estimated=values is not None and values.estimated and not manual,
        reason="" if metrics.load is not None else _no_load_reason(athlete, activity, values),
        thresholds_url=f"{page}#sport-{own_sport(activity.sport)}",
    )


def _no_load_reason(athlete: Athlete, activity: Activity, values: ThresholdValues | None) -> str:
    has_hr = bool(activity.avg_hr_bpm or activity.max_hr_bpm)
    has_power = bool(activity.avg_power_w)
    has_pace = bool(activity.avg_speed_mps) and activity.sport == Sport.RUN
    if athlete.load_model == Athlete.LoadModel.SRPE or not (has_hr or has_power or has_pace):
        return gettext("No heart rate, power or pace to compute a load from: add an RPE.")
    sport = sport_label(own_sport(activity.sport)).lower()
    if values is None:
        return gettext(
            "No thresholds for %(sport)s: set your max heart rate, FTP or threshold pace, "
            "or add an RPE."
        ) % {"sport": sport}
    missing = _missing(values, has_hr=has_hr, has_power=has_power, has_pace=has_pace)
    return gettext(
        "The thresholds for %(sport)s lack what this activity needs (%(missing)s): set them, "
        "or add an RPE."
    ) % {"sport": sport, "missing": ", ".join(missing)}


def _missing(
    values: ThresholdValues, *, has_hr: bool, has_power: bool, has_pace: bool
) -> list[str]:
    missing = []
    if has_hr and not (values.hr_max_bpm and values.hr_rest_bpm):
        missing.append(gettext("max and resting heart rate"))
    if has_power and not values.ftp_w:
        missing.append(gettext("FTP"))
    if has_pace and not values.threshold_speed_mps:
        missing.append(gettext("threshold pace"))
    return missing or [gettext("max and resting heart rate")]
