"""Links between activities and planned sessions (issue 5).

Automatic: on the same athlete-local day, a session and an activity of compatible sports pair
up; with several on one day the pairing with the best total score wins (duration, distance,
exact sport, and order in the day: the first session of the day goes with the first activity).
The score of a pair is stored as the link's confidence (0–1), and the share of the session's
active steps on target as its `steps_hit` (recomputed whenever the days are relinked). Manual
links are locked: the auto-linker never removes them, and a pair unlinked by hand is never
auto-linked again.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Q

from activities.models import Activity
from activities.services.ingest import sports_compatible
from athletes.models import User
from coaching.models import Link, LinkRefusal, PlannedSession
from coaching.selectors.journal import activity_workout_compliance

EXACT_LIMIT = 6  # sessions or activities on one day above which pairing is greedy
WEIGHT_DURATION, WEIGHT_DISTANCE, WEIGHT_SPORT, WEIGHT_ORDER = 0.45, 0.3, 0.1, 0.15


@dataclass(frozen=True, slots=True)
class Side:
    """What pairing looks at, for a session (planned values) or an activity (done values)."""

    id: int
    sport: str
    duration_s: float | None
    distance_m: float | None
    rank: int  # 0 = first of the day


def _closeness(planned: float | None, done: float | None) -> float | None:
    if not planned or not done:
        return None
    return min(planned, done) / max(planned, done)


def pair_score(session: Side, activity: Side) -> float | None:
    """0–1, higher is a better match; None when the sports are not compatible."""
    if not sports_compatible(session.sport, activity.sport):
        return None
    parts = [
        (WEIGHT_DURATION, _closeness(session.duration_s, activity.duration_s)),
        (WEIGHT_DISTANCE, _closeness(session.distance_m, activity.distance_m)),
        (WEIGHT_SPORT, 1.0 if session.sport == activity.sport else 0.0),
        (WEIGHT_ORDER, 1.0 if session.rank == activity.rank else 0.0),
    ]
    known = [(weight, value) for weight, value in parts if value is not None]
    return sum(weight * value for weight, value in known) / sum(weight for weight, _ in known)


Pair = tuple[int, int, float]  # session id, activity id, score


def best_pairs(
    sessions: Sequence[Side], activities: Sequence[Side], refused: set[tuple[int, int]]
) -> list[Pair]:
    """The pairing with the highest total score (each side used once; refused pairs never)."""
    scores = {
        (s.id, a.id): score
        for s in sessions
        for a in activities
        if (s.id, a.id) not in refused and (score := pair_score(s, a)) is not None
    }
    if len(sessions) > EXACT_LIMIT or len(activities) > EXACT_LIMIT:
        return _greedy(scores)
    return _exact(sessions, activities, scores)


def _exact(
    sessions: Sequence[Side], activities: Sequence[Side], scores: dict[tuple[int, int], float]
) -> list[Pair]:
    best: list[Pair] = []
    best_key = (0, 0.0)
    slots: list[Side | None] = [*activities, *([None] * len(sessions))]
    for chosen in itertools.permutations(slots, len(sessions)):
        pairs = [
            (s.id, a.id, scores[(s.id, a.id)])
            for s, a in zip(sessions, chosen, strict=True)
            if a is not None and (s.id, a.id) in scores
        ]
        key = (len(pairs), sum(score for *_ids, score in pairs))
        if key > best_key:
            best, best_key = pairs, key
    return best


def _greedy(scores: dict[tuple[int, int], float]) -> list[Pair]:
    pairs: list[Pair] = []
    used_s: set[int] = set()
    used_a: set[int] = set()
    for (s, a), score in sorted(scores.items(), key=lambda item: -item[1]):
        if s not in used_s and a not in used_a:
            pairs.append((s, a, score))
            used_s.add(s)
            used_a.add(a)
    return pairs


def _sides_of_sessions(sessions: Iterable[PlannedSession]) -> list[Side]:
    return [
        Side(s.id, s.sport, s.est_duration_s or s.duration_s, s.est_distance_m, rank)
        for rank, s in enumerate(sessions)
    ]


def _sides_of_activities(activities: Iterable[Activity]) -> list[Side]:
    return [
        Side(a.id, a.sport, a.moving_s or a.elapsed_s, a.distance_m, rank)
        for rank, a in enumerate(activities)
    ]


def autolink_days(*, athlete_id: int, days: Iterable[dt.date]) -> int:
    """Redo the automatic links of these days of the athlete; returns how many links exist on
    them afterwards (manual ones included). Idempotent."""
    days = sorted(set(days))
    if not days:
        return 0
    with transaction.atomic():
        Link.objects.filter(athlete_id=athlete_id, locked=False).filter(
            Q(session__day__in=days) | Q(activity__day__in=days)
        ).delete()
        sessions = _by_day(
            PlannedSession.objects.filter(athlete_id=athlete_id, day__in=days, hidden=False)
            .exclude(link__isnull=False)
            .order_by("day", "order", "id")
        )
        activities = _by_day(
            Activity.objects.filter(athlete_id=athlete_id, day__in=days)
            .exclude(link__isnull=False)
            .order_by("started_at", "id")
        )
        refused = set(
            LinkRefusal.objects.filter(
                session__athlete_id=athlete_id, session__day__in=days
            ).values_list("session_id", "activity_id")
        )
        links = [
            Link(athlete_id=athlete_id, session_id=s, activity_id=a, kind="auto", confidence=c)
            for day in days
            for s, a, c in best_pairs(
                _sides_of_sessions(sessions[day]), _sides_of_activities(activities[day]), refused
            )
        ]
        Link.objects.bulk_create(links)
        kept = Link.objects.filter(athlete_id=athlete_id, session__day__in=days)
        link_steps_refresh(links=kept.select_related("session", "activity__athlete"))
        return kept.count()


def link_steps_refresh(*, links: Iterable[Link]) -> None:
    """Store on each link the share of its session's active steps on target (None when the
    session has no steps, the activity no samples, or no step could be judged), so that lists
    of sessions read it instead of decoding streams. Updates only the links that changed."""
    changed = []
    for link in links:
        result = activity_workout_compliance(activity=link.activity, session=link.session)
        share = None if result is None else result.share_hit
        if share != link.steps_hit:
            link.steps_hit = share
            changed.append(link)
    Link.objects.bulk_update(changed, ["steps_hit"])


def _by_day[T: (PlannedSession, Activity)](rows: Iterable[T]) -> defaultdict[dt.date, list[T]]:
    grouped: defaultdict[dt.date, list[T]] = defaultdict(list)
    for row in rows:
        grouped[row.day].append(row)
    return grouped


def link_manual(*, session: PlannedSession, activity: Activity, by: User | None) -> Link:
    """Link by hand (both must belong to the same athlete; the caller checked access): any
    link either side had is replaced; the new link is locked."""
    if session.athlete_id != activity.athlete_id:
        raise ValueError("session and activity belong to different athletes")
    with transaction.atomic():
        Link.objects.filter(Q(session=session) | Q(activity=activity)).delete()
        LinkRefusal.objects.filter(session=session, activity=activity).delete()
        link = Link.objects.create(
            athlete_id=session.athlete_id,
            session=session,
            activity=activity,
            kind=Link.Kind.MANUAL,
            locked=True,
            confidence=1.0,
            created_by=by,
        )
        link_steps_refresh(links=[link])
    return link


def link_remove(*, link: Link, by: User | None) -> None:
    """Unlink by hand: the pair is refused to the auto-linker from now on."""
    with transaction.atomic():
        LinkRefusal.objects.update_or_create(
            session_id=link.session_id, activity_id=link.activity_id, defaults={"created_by": by}
        )
        link.delete()
