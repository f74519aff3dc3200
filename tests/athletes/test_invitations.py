"""Invitations both ways: create, email, accept once, expire, decline, revoke, refuse strangers."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Callable
from typing import Any

import pytest
import time_machine
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from athletes.models import Athlete, CoachAthlete, Invitation, User
from athletes.services.invitations import (
    InvitationError,
    invitation_accept,
    invitation_create,
    invitation_revoke,
)
from athletes.tasks import invitation_email_send_task
from core.events import InvitationCreated
from tests.factories import PASSWORD, UserFactory
from tests.outbox import run_subscriber

pytestmark = pytest.mark.django_db

LINK = re.compile(r"http://testserver/invitations/([A-Za-z0-9_-]+)/")


@pytest.fixture
def base_url(settings: Any) -> None:
    settings.PACELINE_BASE_URL = "http://testserver"


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _invite(
    captured: Callable[..., Any], client: Client, email: str, **extra: str
) -> tuple[Invitation, str]:
    data = {"email": email, "permission": "edit", "message": "Let's train", **extra}
    with captured(execute=True):
        response = client.post(reverse("invitation_create"), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    invitation = Invitation.objects.get(email=email.lower(), status=Invitation.Status.PENDING)
    token = LINK.search(mail.outbox[-1].body).group(1)  # type: ignore[union-attr]
    return invitation, token


def test_coach_invites_an_athlete_who_logs_in_and_accepts_through_the_emailed_link(
    coach: User, base_url: None, django_capture_on_commit_callbacks: Callable[..., Any]
) -> None:
    invitation, token = _invite(
        django_capture_on_commit_callbacks, _client(coach), "New.Runner@Example.test"
    )

    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["new.runner@example.test"]
    assert "Claire Coach" in mail.outbox[0].subject
    assert "Let's train" in mail.outbox[0].body
    invitee = UserFactory(email="new.runner@example.test")
    client = Client()
    link = reverse("invitation_respond", kwargs={"token": token})
    login_redirect = client.get(link)
    assert login_redirect.status_code == 302
    assert "/accounts/login/" in login_redirect["Location"]
    assert "next=" in login_redirect["Location"]
    logged_in = client.post(
        reverse("account_login"),
        {"login": "new.runner@example.test", "password": PASSWORD, "next": link},
    )
    assert logged_in.status_code == 302
    assert logged_in["Location"] == link
    page = client.get(link)
    assert page.status_code == 200
    assert "Claire Coach" in page.content.decode()
    accepted = client.post(link, {"action": "accept"})

    assert accepted.status_code == 302
    relation = CoachAthlete.objects.get(coach=coach, athlete__user=invitee)
    assert relation.status == CoachAthlete.Status.ACTIVE
    assert relation.permission == CoachAthlete.Permission.EDIT
    invitation.refresh_from_db()
    assert invitation.status == Invitation.Status.ACCEPTED
    assert invitation.relationship == relation
    assert invitation.responded_at is not None
    roster = _client(coach).get(reverse("roster")).content.decode()
    assert invitee.first_name in roster


def test_the_email_is_sent_only_once_the_invitation_is_committed(
    coach: User, django_capture_on_commit_callbacks: Callable[..., Any]
) -> None:
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        invitation_create(
            invited_by=coach, email="someone@example.test", direction="coach_to_athlete"
        )

    assert mail.outbox == []
    assert len(callbacks) == 1


def test_only_a_hash_of_the_token_is_stored(coach: User) -> None:
    invitation, token = invitation_create(
        invited_by=coach, email="someone@example.test", direction="coach_to_athlete"
    )

    assert invitation.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert not Invitation.objects.filter(token_hash=token).exists()


def test_an_invitation_link_works_only_once(coach: User) -> None:
    _invitation, token = invitation_create(
        invited_by=coach, email="once@example.test", direction="coach_to_athlete"
    )
    client = _client(UserFactory(email="once@example.test"))
    link = reverse("invitation_respond", kwargs={"token": token})

    assert client.post(link, {"action": "accept"}).status_code == 302
    assert client.post(link, {"action": "accept"}).status_code == 410
    assert client.get(link).status_code == 410
    assert (
        CoachAthlete.objects.filter(coach=coach, athlete__user__email="once@example.test").count()
        == 1
    )


def test_accepting_twice_through_the_service_cannot_create_two_relationships(coach: User) -> None:
    _invitation, token = invitation_create(
        invited_by=coach, email="twice@example.test", direction="coach_to_athlete"
    )
    user = UserFactory(email="twice@example.test")
    invitation_accept(token=token, user=user)

    with pytest.raises(InvitationError) as error:
        invitation_accept(token=token, user=user)
    assert error.value.code == "used"
    assert CoachAthlete.objects.filter(coach=coach, athlete__user=user).count() == 1


def test_an_expired_invitation_is_refused_and_creates_nothing(coach: User) -> None:
    with time_machine.travel(dt.datetime(2026, 3, 1, 9, tzinfo=dt.UTC), tick=False):
        _invitation, token = invitation_create(
            invited_by=coach, email="late@example.test", direction="coach_to_athlete"
        )
    client = _client(UserFactory(email="late@example.test"))
    link = reverse("invitation_respond", kwargs={"token": token})

    with time_machine.travel(dt.datetime(2026, 3, 15, 9, 0, 1, tzinfo=dt.UTC), tick=False):
        response = client.post(link, {"action": "accept"})

    assert response.status_code == 410
    assert "expired" in response.content.decode()
    assert not CoachAthlete.objects.filter(athlete__user__email="late@example.test").exists()


def test_an_invitation_still_works_just_before_it_expires(coach: User) -> None:
    start = dt.datetime(2026, 3, 1, 9, tzinfo=dt.UTC)
    _invitation, token = invitation_create(
        invited_by=coach, email="intime@example.test", direction="coach_to_athlete", now=start
    )
    user = UserFactory(email="intime@example.test")

    relation = invitation_accept(
        token=token, user=user, now=start + dt.timedelta(days=13, hours=23)
    )

    assert relation.status == CoachAthlete.Status.ACTIVE


def test_a_different_logged_in_user_is_refused_and_nothing_is_created(
    coach: User, other_athlete: Athlete
) -> None:
    _invitation, token = invitation_create(
        invited_by=coach, email="invited@example.test", direction="coach_to_athlete"
    )
    client = _client(other_athlete.user)
    link = reverse("invitation_respond", kwargs={"token": token})

    assert client.get(link).status_code == 403
    response = client.post(link, {"action": "accept"})

    assert response.status_code == 403
    assert "another email address" in response.content.decode()
    assert not CoachAthlete.objects.filter(coach=coach, athlete=other_athlete).exists()
    assert Invitation.objects.get().status == Invitation.Status.PENDING


def test_an_unverified_email_does_not_open_the_invitation(coach: User) -> None:
    _invitation, token = invitation_create(
        invited_by=coach, email="unverified@example.test", direction="coach_to_athlete"
    )
    user = UserFactory(email="unverified@example.test")
    user.emailaddress_set.update(verified=False)

    with pytest.raises(InvitationError) as error:
        invitation_accept(token=token, user=user)
    assert error.value.code == "wrong_user"


def test_an_unknown_token_is_not_found(athlete: Athlete) -> None:
    link = reverse("invitation_respond", kwargs={"token": "not-a-real-token"})

    assert _client(athlete.user).get(link).status_code == 404
    assert Client().get(link).status_code == 404


def test_the_invitee_can_decline(coach: User) -> None:
    _invitation, token = invitation_create(
        invited_by=coach, email="no@example.test", direction="coach_to_athlete"
    )
    client = _client(UserFactory(email="no@example.test"))
    link = reverse("invitation_respond", kwargs={"token": token})

    response = client.post(link, {"action": "decline"})

    assert response.status_code == 302
    assert Invitation.objects.get().status == Invitation.Status.DECLINED
    assert not CoachAthlete.objects.filter(athlete__user__email="no@example.test").exists()
    assert client.post(link, {"action": "accept"}).status_code == 410


def test_an_athlete_invites_a_coach_who_becomes_a_coach_on_acceptance(
    other_athlete: Athlete, base_url: None, django_capture_on_commit_callbacks: Callable[..., Any]
) -> None:
    _invitation, token = _invite(
        django_capture_on_commit_callbacks,
        _client(other_athlete.user),
        "mycoach@example.test",
        direction="athlete_to_coach",
        permission="full",
    )
    new_coach = UserFactory(email="mycoach@example.test")
    assert not new_coach.is_coach

    response = _client(new_coach).post(
        reverse("invitation_respond", kwargs={"token": token}), {"action": "accept"}
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("roster")
    new_coach.refresh_from_db()
    assert new_coach.is_coach
    relation = CoachAthlete.objects.get(coach=new_coach, athlete=other_athlete)
    assert relation.permission == CoachAthlete.Permission.FULL
    assert list(Athlete.objects.visible_to(new_coach)) == [other_athlete]


def test_a_user_without_an_athlete_profile_becomes_one_when_accepting_a_coach(
    coach: User,
) -> None:
    _invitation, token = invitation_create(
        invited_by=coach, email="fresh@example.test", direction="coach_to_athlete"
    )
    user = UserFactory(email="fresh@example.test")

    invitation_accept(token=token, user=user)

    assert Athlete.objects.filter(user=user).exists()


def test_the_inviter_revokes_a_pending_invitation_and_its_link_stops_working(
    coach: User,
) -> None:
    invitation, token = invitation_create(
        invited_by=coach, email="revoked@example.test", direction="coach_to_athlete"
    )

    response = _client(coach).post(reverse("invitation_revoke", args=[invitation.id]))

    assert response.status_code == 302
    invitation.refresh_from_db()
    assert invitation.status == Invitation.Status.REVOKED
    invitee = _client(UserFactory(email="revoked@example.test"))
    link = reverse("invitation_respond", kwargs={"token": token})
    assert invitee.post(link, {"action": "accept"}).status_code == 410


def test_only_the_inviter_can_revoke(coach: User, other_coach: User) -> None:
    invitation, _token = invitation_create(
        invited_by=coach, email="keep@example.test", direction="coach_to_athlete"
    )

    response = _client(other_coach).post(reverse("invitation_revoke", args=[invitation.id]))

    assert response.status_code == 404
    with pytest.raises(InvitationError):
        invitation_revoke(invitation=invitation, by=other_coach)
    invitation.refresh_from_db()
    assert invitation.status == Invitation.Status.PENDING


def test_revoking_through_htmx_returns_an_empty_body_to_remove_the_row(coach: User) -> None:
    invitation, _token = invitation_create(
        invited_by=coach, email="htmx@example.test", direction="coach_to_athlete"
    )

    response = _client(coach).post(
        reverse("invitation_revoke", args=[invitation.id]), HTTP_HX_REQUEST="true"
    )

    assert response.status_code == 200
    assert response.content == b""


def test_a_revoked_invitation_is_not_emailed_when_the_task_runs_late(coach: User) -> None:
    invitation, _token = invitation_create(
        invited_by=coach, email="late-task@example.test", direction="coach_to_athlete"
    )
    invitation_revoke(invitation=invitation, by=coach)

    assert run_subscriber(invitation_email_send_task, InvitationCreated(invitation.id)) == "done"
    assert run_subscriber(invitation_email_send_task, InvitationCreated(invitation.id + 1000))

    assert mail.outbox == []
    invitation.refresh_from_db()
    assert invitation.email_token == ""  # the kept token is wiped whatever happened


def test_a_new_invitation_to_the_same_email_revokes_the_older_one(coach: User) -> None:
    first, first_token = invitation_create(
        invited_by=coach, email="again@example.test", direction="coach_to_athlete"
    )
    second, _token = invitation_create(
        invited_by=coach, email="Again@example.test", direction="coach_to_athlete"
    )

    first.refresh_from_db()
    assert first.status == Invitation.Status.REVOKED
    assert Invitation.objects.get(status=Invitation.Status.PENDING) == second
    with pytest.raises(InvitationError):
        invitation_accept(token=first_token, user=UserFactory(email="again@example.test"))


@pytest.mark.parametrize(
    ("email", "error"),
    [
        ("not-an-email", "Enter a valid email address."),
        ("coach@example.test", "You cannot invite yourself."),
        ("ATHLETE@example.test", "You are already connected with this person."),
    ],
)
def test_the_invitation_form_shows_errors_instead_of_failing(
    coach: User, athlete: Athlete, email: str, error: str
) -> None:
    response = _client(coach).post(
        reverse("invitation_create"), {"email": email, "permission": "edit", "message": ""}
    )

    assert response.status_code == 200
    assert error in response.content.decode()
    assert not Invitation.objects.exists()
    assert mail.outbox == []


def test_an_athlete_cannot_send_an_athlete_invitation(athlete: Athlete) -> None:
    with pytest.raises(InvitationError):
        invitation_create(
            invited_by=athlete.user, email="friend@example.test", direction="coach_to_athlete"
        )
    response = _client(athlete.user).post(
        reverse("invitation_create"),
        {"email": "friend@example.test", "direction": "coach_to_athlete", "permission": "edit"},
    )
    assert response.status_code == 200
    assert not Invitation.objects.exists()


def test_a_user_with_neither_role_is_told_how_to_start(staff: User) -> None:
    response = _client(staff).get(reverse("invitation_create"))

    assert response.status_code == 200
    assert "Only coaches can invite athletes" in response.content.decode()


def test_a_received_invitation_can_be_accepted_from_the_invitations_page(coach: User) -> None:
    invitation, _token = invitation_create(
        invited_by=coach, email="listed@example.test", direction="coach_to_athlete"
    )
    client = _client(UserFactory(email="listed@example.test"))
    page = client.get(reverse("invitation_list")).content.decode()
    assert "Claire Coach" in page

    response = client.post(reverse("invitation_answer", args=[invitation.id]), {"action": "accept"})

    assert response.status_code == 302
    assert (
        CoachAthlete.objects.active()
        .filter(coach=coach, athlete__user__email="listed@example.test")
        .exists()
    )


def test_someone_else_cannot_answer_an_invitation_by_its_id(
    coach: User, other_athlete: Athlete
) -> None:
    invitation, _token = invitation_create(
        invited_by=coach, email="target@example.test", direction="coach_to_athlete"
    )

    response = _client(other_athlete.user).post(
        reverse("invitation_answer", args=[invitation.id]), {"action": "accept"}
    )

    assert response.status_code == 404
    assert Invitation.objects.get().status == Invitation.Status.PENDING


def test_the_email_link_uses_the_configured_base_url(coach: User, settings: Any) -> None:
    settings.PACELINE_BASE_URL = "https://paceline.example.org"
    invitation, token = invitation_create(
        invited_by=coach, email="abs@example.test", direction="coach_to_athlete"
    )

    run_subscriber(invitation_email_send_task, InvitationCreated(invitation.id))

    assert f"https://paceline.example.org/invitations/{token}/" in mail.outbox[0].body
    assert f"https://paceline.example.org/invitations/{token}/" in mail.outbox[0].alternatives[0][0]


def test_the_invitation_expires_after_the_configured_number_of_days(coach: User) -> None:
    now = timezone.now()
    invitation, _token = invitation_create(
        invited_by=coach, email="days@example.test", direction="coach_to_athlete", now=now
    )

    assert invitation.expires_at == now + dt.timedelta(days=14)


def test_inviting_an_existing_athlete_who_is_coached_by_someone_else_is_allowed(
    coach: User, other_athlete: Athlete
) -> None:
    invitation, _token = invitation_create(
        invited_by=coach, email=other_athlete.user.email, direction="coach_to_athlete"
    )

    relation = invitation_accept(
        token=_token, user=other_athlete.user, now=invitation.created_at + dt.timedelta(hours=1)
    )

    assert relation.athlete == other_athlete
    assert CoachAthlete.objects.active().filter(athlete=other_athlete).count() == 2
    assert Athlete.objects.visible_to(coach).filter(id=other_athlete.id).exists()


def test_an_invitation_flood_is_stopped_per_sender(coach: User) -> None:
    client = _client(coach)
    url = reverse("invitation_create")
    statuses = [
        client.post(
            url, {"direction": "coach_to_athlete", "email": f"spam{n}@example.test",
                  "permission": "edit", "message": "Buy now!"},
        ).status_code
        for n in range(40)
    ]  # fmt: skip

    assert statuses == [302] * 10 + [429] * 30
    assert Invitation.objects.filter(invited_by=coach).count() == 10
    assert len(mail.outbox) <= 10


def test_the_daily_limit_per_sender_holds_across_hours(coach: User) -> None:
    start = timezone.now()
    for hour in range(4):
        with time_machine.travel(start + dt.timedelta(minutes=61 * hour)):
            for n in range(10 if hour < 3 else 1):
                email = f"h{hour}-{n}@example.test"
                if hour < 3:
                    invitation_create(invited_by=coach, email=email, direction="coach_to_athlete")
                else:
                    with pytest.raises(InvitationError, match="too many invitations today"):
                        invitation_create(
                            invited_by=coach, email=email, direction="coach_to_athlete"
                        )


def test_one_address_receives_a_limited_number_of_invitations_a_day(
    coach: User, other_coach: User, staff: User
) -> None:
    senders = [coach, other_coach, coach]
    for sender in senders:  # a re-invitation by the same coach counts too
        invitation_create(
            invited_by=sender, email="target@example.test", direction="coach_to_athlete"
        )
    staff.is_coach = True
    staff.save(update_fields=["is_coach"])

    with pytest.raises(InvitationError, match="too many invitations today") as refused:
        invitation_create(
            invited_by=staff, email="Target@example.test", direction="coach_to_athlete"
        )

    assert (refused.value.code, refused.value.field) == ("rate_limited", "email")
