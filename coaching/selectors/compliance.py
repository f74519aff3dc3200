"""Compliance reads (DESIGN §6 "Compliance"): a planned session with what was done for it and
its verdict, and each athlete's compliance over a period — the per-colour counts and % of
`coaching.workouts.scoring` — for any number of athletes in two queries (the coach's pages).

The share of a structured session's steps on target is read from its link (`Link.steps_hit`,
stored by `coaching.services.linking` when the link is made): no stream is decoded here.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Count, Exists, OuterRef, Q, QuerySet

from activities.models import Activity
from analytics.metrics.disteq import distance_equivalent_km
from athletes.models import Athlete
from coaching.models import Link, PlannedSession
from coaching.workouts.compliance import Colour, SessionRatio, session_ratio
from coaching.workouts.scoring import Tally, Verdict, session_colour, tally

# Metric columns the planner never shows: big JSON documents left in the database.
HEAVY_METRICS = ("metrics__time_in_zone_s", "metrics__mean_max", "metrics__best_efforts_s")
ROLLING_DAYS = 28


def related(obj: Any, name: str) -> Any:
    """A reverse one-to-one loaded by select_related, or None when there is none."""
    try:
        return getattr(obj, name)
    except ObjectDoesNotExist:
        return None


@dataclass(frozen=True, slots=True)
class Done:
    """An activity with the values the planner compares: `duration_s` (moving, else elapsed),
    `distance_m`, `dist_eq_km` (the metrics', else from distance and ascent) and `load` (the
    metrics' activity load, else the load entered by hand; None when unknown)."""

    activity: Activity
    duration_s: float | None
    distance_m: float | None
    dist_eq_km: float | None
    load: float | None

    @property
    def session_id(self) -> int | None:
        """The id of the session this activity is linked to (loaded: no query)."""
        link = related(self.activity, "link")
        return None if link is None else int(link.session_id)


def done_of(activity: Activity) -> Done:
    metrics = related(activity, "metrics")
    load = metrics.load if metrics is not None and metrics.load is not None else None
    dist_eq = metrics.dist_eq_km if metrics is not None else None
    if dist_eq is None:
        dist_eq = distance_equivalent_km(
            sport=activity.sport, distance_m=activity.distance_m, ascent_m=activity.ascent_m
        )
    return Done(
        activity=activity,
        duration_s=activity.moving_s or activity.elapsed_s,
        distance_m=activity.distance_m,
        dist_eq_km=dist_eq,
        load=load if load is not None else activity.manual_load,
    )


@dataclass(frozen=True, slots=True)
class SessionPlan:
    """A planned session, the activity done for it (linked) and, when judged, its compliance:
    linked sessions are compared with their activity; an unlinked published session of a past
    day is missed (red); today's and future ones are not judged yet, nor are drafts.
    `colour` is the worse of the volume colour (`ratio`) and the colour of the share of steps
    on target stored on the link (`steps_hit`, structured sessions only)."""

    session: PlannedSession
    done: Done | None
    ratio: SessionRatio | None

    @property
    def steps_hit(self) -> float | None:
        link = self.link
        return None if link is None or self.done is None else link.steps_hit

    @property
    def colour(self) -> Colour | None:
        if self.done is None and self.ratio is None:
            return None
        volume = None if self.ratio is None else self.ratio.colour
        return session_colour(volume, self.steps_hit)

    @property
    def missed(self) -> bool:
        return self.done is None and self.ratio is not None

    @property
    def verdict(self) -> Verdict | None:
        """ "missed", else the colour; None when not judged."""
        return "missed" if self.missed else self.colour

    @property
    def link(self) -> Link | None:
        """The session's link (loaded with it: no query)."""
        link: Link | None = related(self.session, "link")
        return link


def session_plan(session: PlannedSession, *, today: dt.date) -> SessionPlan:
    """The session with its link, unless loaded with `link_shown` False (the viewer may not
    see the activity: the session then shows unlinked and is not judged — done, by what the
    viewer may not see, never missed)."""
    link = related(session, "link")
    if link is not None and not getattr(session, "link_shown", True):
        PlannedSession.link.related.set_cached_value(session, None)
        return SessionPlan(session, None, None)
    done = done_of(link.activity) if link is not None else None
    if done is None and (session.day >= today or session.hidden):
        return SessionPlan(session, None, None)
    ratio = session_ratio(
        planned_load=session.est_load,
        actual_load=done.load if done else None,
        planned_duration_s=session.est_duration_s,
        actual_duration_s=done.duration_s if done else None,
        planned_distance_m=session.est_distance_m,
        actual_distance_m=done.distance_m if done else None,
    )
    return SessionPlan(session, done, ratio)


# --- many athletes ------------------------------------------------------------------------------


def judged_sessions(
    *, viewer: Any, athlete_ids: Sequence[int], first: dt.date, last: dt.date, today: dt.date
) -> QuerySet[PlannedSession]:
    """The published sessions from `first` to `last` of these athletes that may be judged
    (a day before `today`, or linked), with their link, its activity and metrics loaded, and whether
    the viewer may see the link (`link_shown`). One query when iterated."""
    shown_links = Link.objects.visible_to(viewer).filter(session_id=OuterRef("pk"))
    return (
        PlannedSession.objects.visible_to(viewer)
        .published()
        .filter(athlete_id__in=athlete_ids, day__range=(first, last))
        .filter(Q(day__lt=today) | Q(link__isnull=False))
        .select_related("link__activity__metrics")
        .defer(*(f"link__activity__{name}" for name in HEAVY_METRICS))
        .annotate(link_shown=Exists(shown_links))
    )


def unplanned_counts(
    *, viewer: Any, athlete_ids: Sequence[int], first: dt.date, last: dt.date
) -> dict[int, int]:
    """{athlete id: activities from `first` to `last` the viewer sees that were done for no
    published session}. One query."""
    rows = (
        Activity.objects.visible_to(viewer)
        .filter(athlete_id__in=athlete_ids, day__range=(first, last))
        .filter(Q(link__isnull=True) | Q(link__session__hidden=True))
        .values("athlete_id")
        .annotate(count=Count("id"))
        .values_list("athlete_id", "count")
    )
    return dict(rows)


def compliance_by_athlete(
    *, viewer: Any, athletes: Sequence[Athlete], first: dt.date, last: dt.date, today: dt.date
) -> dict[int, Tally]:
    """{athlete id: their compliance from `first` to `last`} (every athlete given has an
    entry; `today` is the day from which sessions are not missed yet). Two queries, whatever
    the number of athletes and sessions."""
    ids = [athlete.id for athlete in athletes]
    verdicts: defaultdict[int, list[Verdict | None]] = defaultdict(list)
    for session in judged_sessions(
        viewer=viewer, athlete_ids=ids, first=first, last=last, today=today
    ):
        verdicts[session.athlete_id].append(session_plan(session, today=today).verdict)
    unplanned = unplanned_counts(viewer=viewer, athlete_ids=ids, first=first, last=last)
    return {i: tally(verdicts[i], unplanned=unplanned.get(i, 0)) for i in ids}


def compliance_rolling(
    *, viewer: Any, athletes: Sequence[Athlete], last: dt.date, today: dt.date
) -> dict[int, Tally]:
    """Each athlete's compliance over the 28 days ending on `last`. Two queries."""
    first = last - dt.timedelta(days=ROLLING_DAYS - 1)
    return compliance_by_athlete(
        viewer=viewer, athletes=athletes, first=first, last=last, today=today
    )
