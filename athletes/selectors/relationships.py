"""Reads for rosters, relationships and invitations, always scoped by the viewer."""

from __future__ import annotations

import datetime as dt
from typing import Any, NamedTuple

from allauth.account.models import EmailAddress
from django.db.models import Count, Prefetch
from django.utils import timezone

from athletes.models import Athlete, CoachAthlete, Group, Invitation, User


class InvitationLists(NamedTuple):
    """Pending invitations a user sent, and those addressed to one of their verified emails."""

    sent: list[Invitation]
    received: list[Invitation]


def roster_list(*, viewer: Any, group: Group | None = None) -> list[Athlete]:
    """The viewer's actively coached athletes, in name order (a fixed number of queries).

    Each athlete carries `relationship` (the active CoachAthlete with this viewer),
    `roster_groups` (this viewer's groups the athlete belongs to) and `roster_connections`
    (their provider connections). `group` narrows to one group.
    """
    if not getattr(viewer, "is_authenticated", False):
        return []
    athletes = (
        Athlete.objects.coached_by(viewer)
        .select_related("user")
        .prefetch_related(
            Prefetch(
                "coachings",
                queryset=CoachAthlete.objects.active().filter(coach=viewer),
                to_attr="roster_relationships",
            ),
            Prefetch(
                "coach_groups",
                queryset=Group.objects.filter(coach=viewer),
                to_attr="roster_groups",
            ),
            # Provider connections (integrations), for the ones that need the athlete.
            Prefetch("connections", to_attr="roster_connections"),
        )
    )
    if group is not None:
        athletes = athletes.filter(coach_groups=group)
    rows = list(athletes)
    for athlete in rows:
        athlete.relationship = athlete.roster_relationships[0]  # type: ignore[attr-defined]
    return rows


def coaches_of(*, athlete: Athlete) -> list[CoachAthlete]:
    """The athlete's active relationships, with each coach loaded (self-coaching included)."""
    return list(CoachAthlete.objects.active().filter(athlete=athlete).select_related("coach"))


def relationships_for(*, user: Any) -> list[CoachAthlete]:
    """Active relationships the user is a party to, as coach or as athlete."""
    return list(
        CoachAthlete.objects.active()
        .visible_to(user)
        .select_related("coach", "athlete__user")
        .order_by("started_on", "id")
    )


def _verified_emails(user: User) -> list[str]:
    verified = EmailAddress.objects.filter(user=user, verified=True).values_list("email", flat=True)
    return [email.lower() for email in verified]


def invitations_for(*, user: Any, now: dt.datetime | None = None) -> InvitationLists:
    """Pending, unexpired invitations the user sent and received (by verified email)."""
    if not getattr(user, "is_authenticated", False):
        return InvitationLists(sent=[], received=[])
    now = now or timezone.now()
    pending = Invitation.objects.filter(
        status=Invitation.Status.PENDING, expires_at__gt=now
    ).select_related("invited_by")
    sent = list(pending.filter(invited_by=user))
    emails = _verified_emails(user)
    received = list(pending.filter(email__in=emails).exclude(invited_by=user)) if emails else []
    return InvitationLists(sent=sent, received=received)


def invitation_received_get(*, user: Any, invitation_id: int) -> Invitation | None:
    """An invitation (any status) addressed to one of the user's verified emails, else None."""
    if not getattr(user, "is_authenticated", False):
        return None
    return (
        Invitation.objects.select_related("invited_by")
        .filter(id=invitation_id, email__in=_verified_emails(user))
        .first()
    )


def group_list(*, viewer: Any) -> list[Group]:
    """The viewer's groups, each with `member_count`."""
    return list(Group.objects.visible_to(viewer).annotate(member_count=Count("athletes")))
