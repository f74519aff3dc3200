"""Reads behind the athlete's journal: the activity page's planned-session panel (link,
session compliance, step compliance), the RPE prompt, and the calendar feed lookup.

Step compliance glues the stored recording to the pure core: the `Streams` row decoded with
`activities.streams_codec`, the laps as (start_s, elapsed_s), and the thresholds in force on
the activity's day for the session's sport (`workout_thresholds`), into
`coaching.workouts.compliance.step_compliance`.
"""

from __future__ import annotations

import datetime as dt
import hmac
import math
from dataclasses import dataclass

from django.db.models import QuerySet

from activities.models import Activity, Streams
from activities.streams_codec import decode_streams
from analytics.models import ActivityMetrics
from athletes.models import Athlete, User
from athletes.templatetags.units import distance, pace_value, swim_pace_value
from athletes.templatetags.units import duration as clock
from coaching.models import CalendarFeed, Link, PlannedSession, SessionType
from coaching.selectors.context import workout_thresholds
from coaching.services.feeds import token_hash
from coaching.workouts.compliance import (
    SessionRatio,
    WorkoutCompliance,
    session_ratio,
    step_compliance,
)
from coaching.workouts.tree import (
    DurationKind,
    FlatStep,
    Intent,
    TargetKind,
    WorkoutError,
    flatten,
    from_data,
    stored_workout,
)

PROMPT_DAYS = 14
METRES_SHOWN_AS_METRES = 1000.0
LINK_WINDOW_DAYS = 1
UNITS_OF: dict[TargetKind, str] = {
    TargetKind.HR: "bpm",
    TargetKind.POWER: "W",
    TargetKind.CADENCE: "rpm",
    TargetKind.RPE: "RPE",
}


# --- the RPE prompt ----------------------------------------------------------------------------


def rpe_prompt_list(*, viewer: User, athlete: Athlete, today: dt.date) -> QuerySet[Activity]:
    """The athlete's activities of the last 14 days (today included) without an RPE that the
    viewer may see, newest first."""
    first = today - dt.timedelta(days=PROMPT_DAYS - 1)
    return (
        Activity.objects.visible_to(viewer)
        .filter(athlete=athlete, rpe__isnull=True, day__range=(first, today))
        .order_by("-started_at", "-id")
    )


# --- the planned session of an activity --------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Candidate:
    """A session the activity could be linked to; `taken` when another activity has it."""

    session: PlannedSession
    taken: bool


@dataclass(frozen=True, slots=True)
class LinkPanel:
    """The activity's linked session (None when unlinked) with how the activity compares with
    it (`ratio`: load, else duration, else distance), and the sessions of the activity's day
    ±1 it could be linked to instead."""

    link: Link | None
    ratio: SessionRatio | None
    candidates: list[Candidate]
    can_edit: bool


def activity_link_panel(*, viewer: User, activity: Activity, can_edit: bool) -> LinkPanel:
    """The planned-session panel of the activity page (three queries)."""
    link = Link.objects.filter(activity=activity).select_related("session").first()
    if link is not None and not _shown(viewer, link.session):
        link = None  # a draft linked by hand, hidden from the athlete
    ratio = None if link is None else _ratio(link.session, activity)
    return LinkPanel(link, ratio, _candidates(viewer, activity, link) if can_edit else [], can_edit)


def _shown(viewer: User, session: PlannedSession) -> bool:
    return PlannedSession.objects.visible_to(viewer).filter(id=session.id).exists()


def _ratio(session: PlannedSession, activity: Activity) -> SessionRatio | None:
    load = ActivityMetrics.objects.filter(activity=activity).values_list("load", flat=True).first()
    return session_ratio(
        planned_load=session.est_load,
        actual_load=load,
        planned_duration_s=session.est_duration_s or session.duration_s,
        actual_duration_s=activity.moving_s or activity.elapsed_s,
        planned_distance_m=session.est_distance_m or session.distance_m,
        actual_distance_m=activity.distance_m,
    )


def _candidates(viewer: User, activity: Activity, link: Link | None) -> list[Candidate]:
    window = dt.timedelta(days=LINK_WINDOW_DAYS)
    sessions = (
        PlannedSession.objects.visible_to(viewer)
        .filter(athlete_id=activity.athlete_id, hidden=False)
        .filter(day__range=(activity.day - window, activity.day + window))
        .exclude(session_type=SessionType.REST)
        .select_related("link")
        .order_by("day", "order", "id")
    )
    current = None if link is None else link.session_id
    return [Candidate(s, taken=hasattr(s, "link")) for s in sessions if s.id != current]


# --- step compliance ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class StepRow:
    """One active step as executed: its number among the active steps, repetition, planned
    duration, target range and executed mean as display text, and whether it hit (None: not
    judged)."""

    number: int
    rep: int | None
    planned: str
    kind: str
    target: str
    executed: str
    hit: bool | None


@dataclass(frozen=True, slots=True)
class StepReport:
    """Per active step compliance of an activity with its session; `share_hit` (0–1) is the
    share of judged active steps that hit; `method` "laps" or "time"; `recorded` is False when
    the activity has no samples to judge."""

    rows: list[StepRow]
    share_hit: float | None
    method: str
    recorded: bool


def activity_step_report(
    *, activity: Activity, session: PlannedSession, units: str
) -> StepReport | None:
    """Step compliance of the activity with its session's steps; None when the session has
    no steps (or unreadable ones). Reads the streams, the laps and the thresholds in force on
    the activity's day (about ten queries)."""
    flat = _flat_steps(session)
    if not flat:
        return None
    result = activity_workout_compliance(activity=activity, session=session)
    if result is None:
        return StepReport([], None, "time", recorded=False)
    rows = [
        _row(number, flat[step.index], step.target, step.executed, step.hit, session.sport, units)
        for number, step in enumerate(
            (s for s in result.steps if s.intent is Intent.ACTIVE), start=1
        )
    ]
    return StepReport(rows, result.share_hit, result.method, recorded=True)


def _flat_steps(session: PlannedSession) -> list[FlatStep]:
    try:
        return flatten(from_data(session.steps))
    except WorkoutError:
        return []


def activity_workout_compliance(
    *, activity: Activity, session: PlannedSession
) -> WorkoutCompliance | None:
    """The pure core's step compliance of the activity with its session's steps; None when
    the session has no (readable) steps or the activity no samples. Reads the streams, the
    laps and the thresholds in force on the activity's day."""
    if not _flat_steps(session):
        return None
    row = Streams.objects.filter(activity=activity).only("data").first()
    arrays = decode_streams(bytes(row.data)) if row is not None else None
    if arrays is None or not len(arrays):
        return None
    thresholds = workout_thresholds(athlete=activity.athlete, sport=session.sport, day=activity.day)
    laps = [(lap.start_s, lap.elapsed_s) for lap in activity.laps.order_by("index")]
    return step_compliance(
        stored_workout(session.steps),
        sport=session.sport,
        thresholds=thresholds,
        t_s=arrays.time_s,
        hr_bpm=arrays.hr_bpm,
        power_w=arrays.power_w,
        speed_mps=arrays.speed_mps,
        cadence_spm=arrays.cadence_spm,
        distance_m=arrays.distance_m,
        laps=laps or None,
    )


def _row(
    number: int,
    item: FlatStep,
    band: tuple[float, float] | None,
    executed: float | None,
    hit: bool | None,
    sport: str,
    units: str,
) -> StepRow:
    target = item.step.target
    kind = target.kind if target is not None else None
    return StepRow(
        number=number,
        rep=item.rep[-1] if item.rep else None,
        planned=_planned_text(item, units),
        kind=kind.value if kind is not None else "",
        target=_range_text(kind, band, sport, units),
        executed=_value_text(kind, executed, sport, units),
        hit=hit,
    )


def _planned_text(item: FlatStep, units: str) -> str:
    """The step's planned duration: "3:00", "800 m" or "1.6 km"; "—" for an open step."""
    duration = item.step.duration
    if duration.kind is DurationKind.OPEN or duration.value is None:
        return "—"
    if duration.kind is DurationKind.TIME:
        return clock(duration.value)
    if duration.value < METRES_SHOWN_AS_METRES:
        return f"{duration.value:.0f} m"
    return distance(duration.value, units)


def _parts(kind: TargetKind, value: float, sport: str, units: str) -> tuple[str, str]:
    """A value's number and unit for display (pace as m:ss per km, mile or 100 m)."""
    if kind is TargetKind.PACE:
        if sport == "swim":
            return swim_pace_value(value), "/100m"
        return pace_value(value, units), "/mi" if units == "imperial" else "/km"
    if kind is TargetKind.RPE:
        return f"{value:.1f}", "RPE"
    return f"{value:.0f}", UNITS_OF[kind]


def _value_text(kind: TargetKind | None, value: float | None, sport: str, units: str) -> str:
    """An SI value in display units, e.g. "262 W", "4:05 /km"; "—" when unknown."""
    if kind is None or value is None or not math.isfinite(value) or value <= 0:
        return "—"
    number, unit = _parts(kind, value, sport, units)
    return f"{number} {unit}"


def _range_text(
    kind: TargetKind | None, band: tuple[float, float] | None, sport: str, units: str
) -> str:
    """The target band for display, as zone bands are shown: "257–268 W", "4:10–4:02 /km"
    (pace slower first), "≥ 160 bpm", and for pace "≤ 4:02 /km" (faster than) or "> 5:21 /km"
    (slower than)."""
    if kind is None or band is None:
        return "—"
    low, high = band
    above, below = ("≤", ">") if kind is TargetKind.PACE else ("≥", "<")
    if not math.isfinite(high):
        return f"{above} {_value_text(kind, low, sport, units)}"
    if low <= 0:
        return f"{below} {_value_text(kind, high, sport, units)}"
    low_number, _unit = _parts(kind, low, sport, units)
    return f"{low_number}\u2013{_value_text(kind, high, sport, units)}"


# --- the calendar feed -------------------------------------------------------------------------


def calendar_feed_token(*, athlete: Athlete) -> str | None:
    """The current token of the athlete's feed (decrypted), None before the first one."""
    feed = CalendarFeed.objects.filter(athlete=athlete).only("token").first()
    return None if feed is None else feed.token


def calendar_feed_find(*, token: str) -> CalendarFeed | None:
    """The feed of this token, or None. Looked up by the token's SHA-256 (an index lookup
    whose timing tells nothing about the token), then compared in constant time."""
    wanted = token_hash(token)
    feed = CalendarFeed.objects.filter(token_hash=wanted).select_related("athlete__user").first()
    if feed is None or not hmac.compare_digest(feed.token_hash, wanted):
        return None
    return feed
