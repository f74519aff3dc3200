"""Writes for invitations: either side invites by email; the invitee accepts once, in time.

A token is looked up by its sha256; the plain token travels in the email link, and is kept
encrypted on the invitation only until that email is sent (an outbox message, so a broker
outage delays the email but never loses it). Sending is limited per sender per hour and per
day, and per recipient per day: invitations carry free text to any address.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from allauth.account.models import EmailAddress
from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from athletes.models import Athlete, CoachAthlete, Invitation, User
from athletes.services.profiles import athlete_profile_ensure
from core.events import InvitationCreated
from core.outbox import publish

PENDING = Invitation.Status.PENDING
TO_ATHLETE = Invitation.Direction.COACH_INVITES_ATHLETE
TO_COACH = Invitation.Direction.ATHLETE_INVITES_COACH


class InvitationError(Exception):
    """An invitation cannot be created or answered; `code` tells views which page to show.

    Codes: `invalid` (bad input), `used` (no longer pending), `expired`, `wrong_user`,
    `related` (the two people are already connected). `field` names the form field at fault.
    """

    def __init__(self, message: str, *, code: str = "invalid", field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.code = code
        self.field = field


def token_hash(token: str) -> str:
    """The stored form of a token: sha256, hex."""
    return hashlib.sha256(token.encode()).hexdigest()


def invitation_get_by_token(*, token: str) -> Invitation | None:
    """The invitation a plain token opens, whatever its status; None if unknown."""
    return (
        Invitation.objects.select_related("invited_by").filter(token_hash=token_hash(token)).first()
    )


def _user_emails(user: User) -> set[str]:
    emails = {
        e.lower() for e in EmailAddress.objects.filter(user=user).values_list("email", flat=True)
    }
    return emails | {user.email.lower()}


def _user_by_email(email: str) -> User | None:
    owner = EmailAddress.objects.filter(email__iexact=email, verified=True).values("user_id")
    return User.objects.filter(Q(email__iexact=email) | Q(id__in=owner)).first()


def _active_between(*, coach: User, athlete_user: User) -> bool:
    return CoachAthlete.objects.active().filter(coach=coach, athlete__user=athlete_user).exists()


def _check_direction(*, invited_by: User, direction: str) -> None:
    if direction == TO_ATHLETE and not invited_by.is_coach:
        raise InvitationError(_("Only coaches can invite athletes."), field="direction")
    if direction == TO_COACH and not Athlete.objects.filter(user=invited_by).exists():
        raise InvitationError(
            _("Only athletes can invite a coach: create your athlete profile first."),
            field="direction",
        )
    if direction not in (TO_ATHLETE, TO_COACH):
        raise InvitationError(_("Unknown kind of invitation."), field="direction")


def _check_invitee(*, invited_by: User, email: str, direction: str) -> None:
    if email in _user_emails(invited_by):
        raise InvitationError(_("You cannot invite yourself."), field="email")
    invitee = _user_by_email(email)
    if invitee is None:
        return
    coach, athlete_user = (
        (invited_by, invitee) if direction == TO_ATHLETE else (invitee, invited_by)
    )
    if _active_between(coach=coach, athlete_user=athlete_user):
        raise InvitationError(
            _("You are already connected with this person."), code="related", field="email"
        )


DEFAULT_LIMITS = {
    "PACELINE_INVITATIONS_PER_HOUR": 10,
    "PACELINE_INVITATIONS_PER_DAY": 30,
    "PACELINE_INVITATIONS_PER_RECIPIENT_DAY": 3,
}


def _limit(name: str) -> int:
    return int(getattr(settings, name, DEFAULT_LIMITS[name]))


def _check_sending_limits(*, invited_by: User, email: str, now: dt.datetime) -> None:
    """Refuse (code `rate_limited`) past the per-sender hourly and daily limits or the
    per-recipient daily limit; every invitation created counts, revoked ones too."""
    sent = Invitation.objects.filter(invited_by=invited_by)
    hour, day = now - dt.timedelta(hours=1), now - dt.timedelta(days=1)
    if sent.filter(created_at__gt=hour).count() >= _limit("PACELINE_INVITATIONS_PER_HOUR"):
        raise InvitationError(
            _("You have sent too many invitations in the last hour. Try again later."),
            code="rate_limited",
        )
    if sent.filter(created_at__gt=day).count() >= _limit("PACELINE_INVITATIONS_PER_DAY"):
        raise InvitationError(
            _("You have sent too many invitations today. Try again tomorrow."),
            code="rate_limited",
        )
    received = Invitation.objects.filter(email__iexact=email, created_at__gt=day).count()
    if received >= _limit("PACELINE_INVITATIONS_PER_RECIPIENT_DAY"):
        raise InvitationError(
            _("This address has received too many invitations today. Try again tomorrow."),
            code="rate_limited",
            field="email",
        )


def invitation_create(
    *,
    invited_by: User,
    email: str,
    direction: str,
    permission: str = CoachAthlete.Permission.EDIT,
    message: str = "",
    now: dt.datetime | None = None,
) -> tuple[Invitation, str]:
    """Invite someone by email; returns the invitation and its plain token.

    A new invitation to the same email and direction by the same person revokes the older
    pending one. The email is an outbox message (`InvitationCreated`) of the same
    transaction. Raises InvitationError (code `rate_limited`) past the sending limits.
    """
    email = email.strip().lower()
    now = now or timezone.now()
    _check_direction(invited_by=invited_by, direction=direction)
    if permission not in CoachAthlete.Permission.values:
        raise InvitationError(_("Unknown permission level."), field="permission")
    _check_invitee(invited_by=invited_by, email=email, direction=direction)
    token = secrets.token_urlsafe(32)
    with transaction.atomic():
        User.objects.select_for_update().filter(id=invited_by.id).first()  # one at a time
        _check_sending_limits(invited_by=invited_by, email=email, now=now)
        Invitation.objects.filter(
            invited_by=invited_by, email=email, direction=direction, status=PENDING
        ).update(status=Invitation.Status.REVOKED, responded_at=now)
        invitation = Invitation.objects.create(
            invited_by=invited_by,
            email=email,
            direction=direction,
            permission=permission,
            message=message.strip(),
            token_hash=token_hash(token),
            email_token=token,
            expires_at=now + dt.timedelta(days=settings.PACELINE_INVITATION_DAYS),
        )
        publish(InvitationCreated(invitation_id=invitation.id))
    return invitation, token


def invitation_accept_url(*, token: str) -> str:
    """The absolute link of an invitation, for emails."""
    base = getattr(settings, "PACELINE_BASE_URL", "http://127.0.0.1:8000").rstrip("/")
    return base + reverse("invitation_respond", kwargs={"token": token})


def _email_language(invitation: Invitation) -> str:
    invitee = Athlete.objects.filter(user__email__iexact=invitation.email).first()
    inviter = Athlete.objects.filter(user=invitation.invited_by).first()
    profile = invitee or inviter
    return profile.language if profile else settings.LANGUAGE_CODE


def invitation_email_send(*, invitation_id: int) -> bool:
    """Send the invitation email once, in the invitee's language (else the inviter's); the
    kept token is wiped afterwards. Returns whether an email was sent: nothing once the
    invitation is no longer pending or its email already went."""
    invitation = (
        Invitation.objects.select_related("invited_by")
        .filter(id=invitation_id, status=PENDING)
        .exclude(email_token="")
        .first()
    )
    if invitation is None:
        Invitation.objects.filter(id=invitation_id).update(email_token="")
        return False
    _email_send(invitation, token=invitation.email_token)
    Invitation.objects.filter(id=invitation.id).update(email_token="")
    return True


def _email_send(invitation: Invitation, *, token: str) -> None:
    context = {
        "invitation": invitation,
        "inviter": invitation.invited_by,
        "accept_url": invitation_accept_url(token=token),
        "coach_invites_athlete": invitation.direction == TO_ATHLETE,
    }
    with translation.override(_email_language(invitation)):
        subject = render_to_string("athletes/email/invitation_subject.txt", context)
        body = render_to_string("athletes/email/invitation_message.txt", context)
        html = render_to_string("athletes/email/invitation_message.html", context)
    send_mail(" ".join(subject.split()), body, None, [invitation.email], html_message=html)


def invitation_addressed_to(*, invitation: Invitation, user: User) -> bool:
    """Whether one of the user's verified email addresses is the invited one."""
    addresses = EmailAddress.objects.filter(user=user, email__iexact=invitation.email)
    return bool(addresses.filter(verified=True).exists())


def invitation_check_open(*, invitation: Invitation, now: dt.datetime) -> None:
    """Raise InvitationError (`used`, `expired`) unless someone may still answer it."""
    if invitation.status != PENDING:
        raise InvitationError(_("This invitation has already been used."), code="used")
    if invitation.is_expired(now):
        raise InvitationError(_("This invitation has expired. Ask for a new one."), code="expired")


def invitation_check(*, invitation: Invitation, user: User, now: dt.datetime) -> None:
    """Raise InvitationError unless `user` may answer this invitation now."""
    invitation_check_open(invitation=invitation, now=now)
    if not invitation_addressed_to(invitation=invitation, user=user):
        raise InvitationError(
            _("This invitation was sent to another email address. Log in with that address."),
            code="wrong_user",
        )


def _locked(*, token: str, invitation_id: int | None) -> Invitation:
    """The invitation row, locked; found by its token or (from the list page) by its id."""
    lookup = (
        {"id": invitation_id} if invitation_id is not None else {"token_hash": token_hash(token)}
    )
    invitation = (
        Invitation.objects.select_for_update().select_related("invited_by").filter(**lookup).first()
    )
    if invitation is None:
        raise InvitationError(_("This invitation does not exist."), code="unknown")
    return invitation


def _relationship_create(invitation: Invitation, user: User, now: dt.datetime) -> CoachAthlete:
    if invitation.direction == TO_ATHLETE:
        coach, athlete = invitation.invited_by, athlete_profile_ensure(user=user)
    else:
        coach, athlete = user, Athlete.objects.get(user=invitation.invited_by)
        if not user.is_coach:
            user.is_coach = True
            user.save(update_fields=["is_coach"])
    if CoachAthlete.objects.filter(coach=coach, athlete=athlete).exclude(status="ended").exists():
        raise InvitationError(_("You are already connected with this person."), code="related")
    try:
        with transaction.atomic():
            return CoachAthlete.objects.create(
                coach=coach,
                athlete=athlete,
                permission=invitation.permission,
                status=CoachAthlete.Status.ACTIVE,
                started_on=athlete.local_today(now),
            )
    except IntegrityError as exc:  # a concurrent acceptance of another invitation won
        raise InvitationError(
            _("You are already connected with this person."), code="related"
        ) from exc


def _mark(invitation: Invitation, status: str, now: dt.datetime, **fields: object) -> None:
    """Compare-and-set: only a pending invitation changes; otherwise it was used meanwhile."""
    updated = Invitation.objects.filter(id=invitation.id, status=PENDING).update(
        status=status, responded_at=now, **fields
    )
    if updated != 1:
        raise InvitationError(_("This invitation has already been used."), code="used")
    invitation.status = status
    invitation.responded_at = now


def invitation_accept(
    *,
    token: str = "",
    user: User,
    now: dt.datetime | None = None,
    invitation_id: int | None = None,
) -> CoachAthlete:
    """Accept an invitation once: creates the active relationship and marks it accepted.

    Found by its token (the email link) or by `invitation_id` (the invitee's list page); either
    way the user's verified email must be the invited one.
    """
    now = now or timezone.now()
    with transaction.atomic():
        invitation = _locked(token=token, invitation_id=invitation_id)
        invitation_check(invitation=invitation, user=user, now=now)
        relationship = _relationship_create(invitation, user, now)
        _mark(invitation, Invitation.Status.ACCEPTED, now, relationship=relationship)
        invitation.relationship = relationship
    return relationship


def invitation_decline(
    *,
    token: str = "",
    user: User,
    now: dt.datetime | None = None,
    invitation_id: int | None = None,
) -> Invitation:
    """Decline an invitation addressed to this user (found by token or by id)."""
    now = now or timezone.now()
    with transaction.atomic():
        invitation = _locked(token=token, invitation_id=invitation_id)
        invitation_check(invitation=invitation, user=user, now=now)
        _mark(invitation, Invitation.Status.DECLINED, now)
    return invitation


def invitation_revoke(
    *, invitation: Invitation, by: User, now: dt.datetime | None = None
) -> Invitation:
    """Withdraw a pending invitation; only the person who sent it may."""
    if invitation.invited_by_id != by.id:
        raise InvitationError(_("Only the sender can revoke an invitation."))
    _mark(invitation, Invitation.Status.REVOKED, now or timezone.now())
    return invitation
