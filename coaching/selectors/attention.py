"""The attention queue of the coach's cockpit: what needs the coach now, ranked, across every
athlete of the cockpit — built from the cockpit's rows (`cockpit_get`) plus seven queries that
cover all the athletes at once (never one per athlete).

Each item carries a `fingerprint` of its condition's state (the missed session, the ACWR band,
the night...): a coach's dismissal or snooze (`AttentionDismissal`) hides the item while the
fingerprint stays the same, and a new state shows again.
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Max, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _

from activities.models import Activity
from athletes.models import Athlete, Goal, WellnessDay
from coaching.models import AttentionDismissal, AttentionSettings, PlannedSession, SessionType
from coaching.selectors.cockpit import Cockpit, CockpitRow, per_today
from coaching.selectors.comments import unread_comments
from coaching.selectors.planner import WEEK_DAYS, week_start_of
from core import l10n

MISSED_DAYS = 7
BASELINE_DAYS = 28
BASELINE_MIN_NIGHTS = 7
KEY_TYPES = (SessionType.INTERVALS, SessionType.TEMPO, SessionType.LONG, SessionType.RACE)
HIGH_BANDS = ("high", "very_high")
# Rank: lower first. Broken data flow and missed key work first, then load, then the rest.
SEVERITY = {
    "connection": 1,
    "missed_key": 1,
    "acwr": 2,
    "form": 2,
    "hrv": 3,
    "resting_hr": 3,
    "sleep": 3,
    "plan": 3,
    "missed": 4,
    "comment": 4,
    "rpe": 5,
    "unlinked": 5,
}


@dataclass(frozen=True, slots=True)
class AttentionItem:
    """One line of the queue: the athlete, what is wrong, where it is fixed."""

    athlete: Athlete
    kind: str
    fingerprint: str
    message: str
    url: str

    @property
    def severity(self) -> int:
        return SEVERITY[self.kind]


@dataclass(frozen=True, slots=True)
class Facts:
    """What the queue reads beyond the cockpit's rows, per athlete id."""

    settings: AttentionSettings
    missed: dict[int, PlannedSession]
    nights: dict[int, list[WellnessDay]]
    sessions_this_week: set[int]
    sessions_next_week: set[int]
    goals: set[int]
    rpe: dict[int, tuple[int, int, int]]
    comments: dict[int, int]


def attention_settings_get(*, coach: Any) -> AttentionSettings:
    """The coach's thresholds, the defaults (unsaved) when never edited. One query."""
    found = AttentionSettings.objects.filter(coach=coach).first()
    return found or AttentionSettings(coach=coach)


def attention_list(
    *, viewer: Any, cockpit: Cockpit, now: dt.datetime | None = None
) -> list[AttentionItem]:
    """The ranked queue over the cockpit's athletes, without what the viewer dismissed or
    snoozed in the same state. Eight queries, whatever the number of athletes."""
    now = now or timezone.now()
    if not cockpit.rows:
        return []
    facts = _facts(viewer=viewer, rows=cockpit.rows, now=now)
    items = [item for row in cockpit.rows for item in _row_items(row, facts)]
    hidden = _hidden(viewer=viewer, ids=[row.athlete.id for row in cockpit.rows], now=now)
    shown = [item for item in items if (item.athlete.id, item.kind, item.fingerprint) not in hidden]
    return sorted(shown, key=lambda item: (item.severity, str(item.athlete).casefold()))


# --- the queries ------------------------------------------------------------------------------


def _facts(*, viewer: Any, rows: list[CockpitRow], now: dt.datetime) -> Facts:
    todays = {row.athlete.id: row.today for row in rows}
    ids = list(todays)
    settings = attention_settings_get(coach=viewer)
    this_week, next_week = _planned_weeks(viewer=viewer, ids=ids, todays=todays)
    return Facts(
        settings=settings,
        missed=_missed(viewer=viewer, todays=todays),
        nights=_nights(viewer=viewer, todays=todays),
        sessions_this_week=this_week,
        sessions_next_week=next_week,
        goals=_goals(viewer=viewer, todays=todays),
        rpe=_rpe(viewer=viewer, todays=todays, days=settings.rpe_days),
        comments=_old_unread(
            viewer=viewer, ids=ids, before=now - dt.timedelta(hours=settings.comment_hours)
        ),
    )


def _missed(*, viewer: Any, todays: dict[int, dt.date]) -> dict[int, PlannedSession]:
    """Each athlete's worst missed session of the last 7 days before today (published, no
    activity linked, not a rest day): a key one first, then the latest. One query."""
    window = per_today(
        todays, lambda day: (day - dt.timedelta(days=MISSED_DAYS), day - dt.timedelta(days=1))
    )
    sessions = (
        PlannedSession.objects.visible_to(viewer)
        .published()
        .filter(window, link__isnull=True)
        .exclude(session_type=SessionType.REST)
        .order_by("day", "id")
    )
    worst: dict[int, PlannedSession] = {}
    for session in sessions:
        held = worst.get(session.athlete_id)
        if held is None or _is_key(session) or not _is_key(held):
            worst[session.athlete_id] = session
    return worst


def _is_key(session: PlannedSession) -> bool:
    return session.session_type in KEY_TYPES


def _nights(*, viewer: Any, todays: dict[int, dt.date]) -> dict[int, list[WellnessDay]]:
    """The wellness days of the 28 nights before today and today's, oldest first, of the
    athletes who share their wellness with the viewer (the door checks consent). One query."""
    window = per_today(todays, lambda day: (day - dt.timedelta(days=BASELINE_DAYS), day))
    nights: defaultdict[int, list[WellnessDay]] = defaultdict(list)
    for night in WellnessDay.objects.visible_to(viewer).filter(window).order_by("day"):
        nights[night.athlete_id].append(night)
    return nights


def _planned_weeks(
    *, viewer: Any, ids: list[int], todays: dict[int, dt.date]
) -> tuple[set[int], set[int]]:
    """The athletes with a published session this week, and next week (their own). One query."""
    window = per_today(
        todays, lambda day: (week_start_of(day), week_start_of(day) + dt.timedelta(days=13))
    )
    rows = (
        PlannedSession.objects.visible_to(viewer)
        .published()
        .filter(window)
        .values_list("athlete_id", "day")
        .distinct()
    )
    this_week: set[int] = set()
    next_week: set[int] = set()
    for athlete_id, day in rows:
        later = day >= week_start_of(todays[athlete_id]) + dt.timedelta(days=WEEK_DAYS)
        (next_week if later else this_week).add(athlete_id)
    return this_week, next_week


def _goals(*, viewer: Any, todays: dict[int, dt.date]) -> set[int]:
    """The athletes with an upcoming goal (any priority). One query."""
    goals = Goal.objects.visible_to(viewer).filter(
        athlete_id__in=list(todays), race_on__gte=min(todays.values())
    )
    return {
        athlete_id
        for athlete_id, race_on in goals.values_list("athlete_id", "race_on")
        if race_on >= todays[athlete_id]
    }


def _rpe(*, viewer: Any, todays: dict[int, dt.date], days: int) -> dict[int, tuple[int, int, int]]:
    """{athlete: (activities of the last `days` days, how many without RPE, the latest id)}.
    One query."""
    window = per_today(todays, lambda day: (day - dt.timedelta(days=days - 1), day))
    rows = (
        Activity.objects.visible_to(viewer)
        .filter(window)
        .order_by()
        .values("athlete_id")
        .annotate(
            total=Count("id"), without=Count("id", filter=Q(rpe__isnull=True)), last=Max("id")
        )
        .values_list("athlete_id", "total", "without", "last")
    )
    return {athlete_id: (total, without, last) for athlete_id, total, without, last in rows}


def _old_unread(*, viewer: Any, ids: list[int], before: dt.datetime) -> dict[int, int]:
    """{athlete: the latest id of the comments unread by the viewer written before `before`}.
    One query."""
    rows = (
        unread_comments(user=viewer)
        .filter(athlete_id__in=ids, created_at__lt=before)
        .order_by()
        .values("athlete_id")
        .annotate(last=Max("id"))
        .values_list("athlete_id", "last")
    )
    return dict(rows)


def _hidden(*, viewer: Any, ids: list[int], now: dt.datetime) -> set[tuple[int, str, str]]:
    """(athlete, kind, fingerprint) the viewer dismissed, or snoozed past today. One query."""
    today = timezone.localdate(now)
    rows = AttentionDismissal.objects.filter(coach=viewer, athlete_id__in=ids).filter(
        Q(until__isnull=True) | Q(until__gt=today)
    )
    return set(rows.values_list("athlete_id", "kind", "fingerprint"))


# --- the conditions ---------------------------------------------------------------------------


def _row_items(row: CockpitRow, facts: Facts) -> list[AttentionItem]:
    athlete_id = row.athlete.id
    found = [
        _missed_item(row, facts.missed.get(athlete_id)),
        _acwr_item(row, planned=athlete_id in facts.sessions_this_week),
        _form_item(row, facts.settings.form_min),
        *_wellness_items(row, facts.nights.get(athlete_id, []), facts.settings),
        _unlinked_item(row),
        _rpe_item(row, facts.rpe.get(athlete_id)),
        _plan_item(row, facts),
        _connection_item(row),
        _comment_item(row, facts.comments.get(athlete_id)),
    ]
    return [item for item in found if item is not None]


def _item(row: CockpitRow, kind: str, fingerprint: object, message: str, url: str) -> AttentionItem:
    return AttentionItem(row.athlete, kind, str(fingerprint), message, url)


def _missed_item(row: CockpitRow, session: PlannedSession | None) -> AttentionItem | None:
    if session is None:
        return None
    kind = "missed_key" if _is_key(session) else "missed"
    message = _("Missed %(type)s session “%(title)s” on %(day)s") % {
        "type": session.get_session_type_display().lower(),
        "title": session.title,
        "day": l10n.format_short_day(session.day, get_language()),
    }
    url = reverse("planner", args=[row.athlete.id]) + f"?week={week_start_of(session.day)}"
    return _item(row, kind, session.id, message, url)


def _acwr_item(row: CockpitRow, *, planned: bool) -> AttentionItem | None:
    if row.state is None:
        return None
    band = row.state.latest.band
    if band not in HIGH_BANDS and not (band == "low" and planned):
        return None
    message = _("Load out of band: ACWR %(acwr).2f (%(band)s)") % {
        "acwr": row.state.latest.acwr,
        "band": _band_label(band),
    }
    return _item(row, "acwr", band, message, reverse("fitness", args=[row.athlete.id]))


def _band_label(band: str) -> str:
    return {"low": _("low"), "high": _("high"), "very_high": _("very high")}.get(band, band)


def _form_item(row: CockpitRow, form_min: float) -> AttentionItem | None:
    if row.state is None or row.state.latest.form >= form_min:
        return None
    form = row.state.latest.form
    message = _("Form %(form).0f, below %(min).0f") % {"form": form, "min": form_min}
    # One state per 10 points of Form: a deeper dip shows a dismissed item again.
    return _item(row, "form", int(form // 10), message, reverse("fitness", args=[row.athlete.id]))


def _wellness_items(
    row: CockpitRow, nights: list[WellnessDay], settings: AttentionSettings
) -> list[AttentionItem | None]:
    """Last night (today's row, or yesterday's) against the 28 nights before it."""
    if not nights or nights[-1].day < row.today - dt.timedelta(days=1):
        return []
    last = nights[-1]
    before = [n for n in nights[:-1] if n.day >= last.day - dt.timedelta(days=BASELINE_DAYS)]
    k = settings.baseline_k
    hrv = _beyond(last.hrv_ms, [n.hrv_ms for n in before], k)
    rhr = _beyond(last.resting_hr_bpm, [n.resting_hr_bpm for n in before], k)
    messages = {
        "hrv": hrv and _("HRV %(value).0f ms, outside %(low).0f–%(high).0f ms") % hrv,
        "resting_hr": rhr
        and _("Resting HR %(value).0f bpm, outside %(low).0f–%(high).0f bpm") % rhr,
        "sleep": _("Slept %(hours).1f h") % {"hours": last.sleep_s / 3600}
        if last.sleep_s is not None and last.sleep_s < settings.sleep_min_h * 3600
        else None,
    }
    url = reverse("wellness", args=[row.athlete.id])
    return [
        _item(row, kind, last.day, message, url) for kind, message in messages.items() if message
    ]


def _beyond(value: float | None, history: list[float | None], k: float) -> dict[str, float] | None:
    """{value, low, high} when `value` lies outside mean ± k·sd of the history (at least 7
    known values), else None."""
    known = [float(v) for v in history if v is not None]
    if value is None or len(known) < BASELINE_MIN_NIGHTS:
        return None
    mean, sd = statistics.fmean(known), statistics.stdev(known)
    low, high = mean - k * sd, mean + k * sd
    return None if low <= value <= high else {"value": float(value), "low": low, "high": high}


def _unlinked_item(row: CockpitRow) -> AttentionItem | None:
    if not row.unlinked:
        return None
    message = ngettext(
        "%(count)d activity not linked to a session",
        "%(count)d activities not linked to a session",
        row.unlinked,
    ) % {"count": row.unlinked}
    return _item(row, "unlinked", row.unlinked, message, reverse("unlinked", args=[row.athlete.id]))


def _rpe_item(row: CockpitRow, counts: tuple[int, int, int] | None) -> AttentionItem | None:
    if counts is None or counts[0] != counts[1]:
        return None
    message = ngettext(
        "No RPE on the last activity",
        "No RPE on any of the last %(count)d activities",
        counts[0],
    ) % {"count": counts[0]}
    return _item(row, "rpe", counts[2], message, reverse("activity_list", args=[row.athlete.id]))


def _plan_item(row: CockpitRow, facts: Facts) -> AttentionItem | None:
    athlete_id = row.athlete.id
    if athlete_id in facts.sessions_next_week:
        return None
    if athlete_id not in facts.goals and athlete_id not in facts.sessions_this_week:
        return None
    next_week = week_start_of(row.today) + dt.timedelta(days=WEEK_DAYS)
    url = reverse("planner", args=[athlete_id]) + f"?week={next_week}"
    return _item(row, "plan", next_week, _("Nothing published next week"), url)


def _connection_item(row: CockpitRow) -> AttentionItem | None:
    if not row.connection_problems:
        return None
    message = _("A connection needs the athlete")
    return _item(
        row,
        "connection",
        row.connection_problems,
        message,
        reverse("connections", args=[row.athlete.id]),
    )


def _comment_item(row: CockpitRow, latest: int | None) -> AttentionItem | None:
    if latest is None:
        return None
    return _item(
        row, "comment", latest, _("A comment waits for an answer"), reverse("comment_inbox")
    )
