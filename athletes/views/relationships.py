"""Pages for the roster, invitations both ways, ending relationships, groups, self-coaching.

Every action works as a plain POST + redirect with a message; htmx requests get a partial
(or an empty body that removes the row they came from).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from athletes.adapters import INVITATION_SESSION_KEY
from athletes.forms.relationships import (
    GroupForm,
    GroupMembersForm,
    InvitationForm,
    PermissionForm,
)
from athletes.models import CoachAthlete, Group, Invitation, User
from athletes.selectors.relationships import (
    group_list as group_list_select,
)
from athletes.selectors.relationships import (
    invitation_received_get,
    invitations_for,
    relationships_for,
    roster_list,
)
from athletes.services import groups as group_services
from athletes.services.invitations import (
    InvitationError,
    invitation_accept,
    invitation_check,
    invitation_check_open,
    invitation_decline,
    invitation_get_by_token,
)
from athletes.services.invitations import (
    invitation_create as invitation_create_service,
)
from athletes.services.invitations import (
    invitation_revoke as invitation_revoke_service,
)
from athletes.services.profiles import self_coaching_start as self_coaching_start_service
from athletes.services.relationships import relationship_end as relationship_end_service
from athletes.services.relationships import relationship_set_permission
from core.http import Request, is_partial, redirect_back

GONE_CODES = ("used", "expired", "unknown")


def _not_coach(request: HttpRequest) -> HttpResponse:
    return render(request, "athletes/roster.html", {"not_coach": True}, status=403)


# --- Roster -------------------------------------------------------------------------------------


@login_required
def roster(request: Request[User]) -> HttpResponse:
    """The coach's athletes, filterable by group, with the invitations still pending."""
    user = request.user
    if not user.is_coach:
        return _not_coach(request)
    group_id = request.GET.get("group", "")
    group = None
    if group_id:
        if not group_id.isdigit():
            raise Http404
        group = get_object_or_404(Group.objects.visible_to(user), id=int(group_id))
    sent = [
        i
        for i in invitations_for(user=user).sent
        if i.direction == Invitation.Direction.COACH_INVITES_ATHLETE
    ]
    context = {
        "athletes": roster_list(viewer=user, group=group),
        "groups": group_list_select(viewer=user),
        "group": group,
        "sent": sent,
    }
    return render(request, "athletes/roster.html", context)


# --- Invitations --------------------------------------------------------------------------------


@login_required
def invitation_list(request: Request[User]) -> HttpResponse:
    """Invitations received and sent, and the user's current relationships on both sides."""
    user = request.user
    lists = invitations_for(user=user)
    relationships = relationships_for(user=user)
    context = {
        "received": lists.received,
        "sent": lists.sent,
        "my_coaches": [r for r in relationships if r.athlete.user_id == user.id],
        "my_athletes": [
            r for r in relationships if r.coach_id == user.id and not r.is_self_coached
        ],
        "can_self_coach": not any(r.is_self_coached for r in relationships),
    }
    return render(request, "athletes/invitation_list.html", context)


@login_required
def invitation_create(request: Request[User]) -> HttpResponse:
    """Invite someone by email: a coach invites an athlete, an athlete invites a coach."""
    user = request.user
    initial = {"direction": request.GET.get("direction", "")}
    form = InvitationForm(request.POST or None, user=user, initial=initial)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            invitation, _token = invitation_create_service(invited_by=user, **form.cleaned_data)
        except InvitationError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
            status = 429 if exc.code == "rate_limited" else status
        else:
            messages.success(
                request, _("Invitation sent to %(email)s.") % {"email": invitation.email}
            )
            return redirect("invitation_list")
    if status == 200 and request.method == "POST" and is_partial(request):
        status = 422
    context = {"form": form, "invitation_days": settings.PACELINE_INVITATION_DAYS}
    return render(request, "athletes/invitation_form.html", context, status=status)


def _respond_error(
    request: HttpRequest, invitation: Invitation, exc: InvitationError
) -> HttpResponse:
    context = {"invitation": invitation, "error": exc.message, "code": exc.code}
    if exc.code in GONE_CODES:
        return render(request, "athletes/invitation_gone.html", context, status=410)
    if exc.code == "wrong_user":
        return render(request, "athletes/invitation_wrong_user.html", context, status=403)
    messages.error(request, exc.message)
    return redirect("invitation_list")


def _after_answer(
    request: HttpRequest, user: User, action: str, invitation: Invitation, **lookup: Any
) -> HttpResponse:
    if action == "accept":
        relationship = invitation_accept(user=user, **lookup)
        messages.success(
            request, _("You are now connected with %(name)s.") % {"name": invitation.invited_by}
        )
        if relationship.coach_id == user.id:
            return redirect("roster")
        return redirect("invitation_list")
    invitation_decline(user=user, **lookup)
    messages.info(request, _("Invitation declined."))
    return redirect("invitation_list")


def _invitee_signed_out(request: HttpRequest, invitation: Invitation, token: str) -> HttpResponse:
    """To the login page (which offers signup), the invitation kept in the session: the login
    and signup pages say who invites, and once signed in the invitee lands back here
    (`athletes.adapters.invitation_waiting_url`). A used or expired one says so at once."""
    try:
        invitation_check_open(invitation=invitation, now=timezone.now())
    except InvitationError as exc:
        request.session.pop(INVITATION_SESSION_KEY, None)
        return _respond_error(request, invitation, exc)
    request.session[INVITATION_SESSION_KEY] = token
    return redirect_to_login(request.get_full_path())


def invitation_respond(request: HttpRequest, token: str) -> HttpResponse:
    """The page an invitation email links to: who invites whom, with Accept and Decline."""
    invitation = invitation_get_by_token(token=token)
    if invitation is None:
        request.session.pop(INVITATION_SESSION_KEY, None)
        context = {"error": _("This invitation does not exist.")}
        return render(request, "athletes/invitation_gone.html", context, status=404)
    if not request.user.is_authenticated:
        return _invitee_signed_out(request, invitation, token)
    action = request.POST.get("action", "")
    try:
        invitation_check(invitation=invitation, user=request.user, now=timezone.now())
        if request.method == "POST" and action in ("accept", "decline"):
            response = _after_answer(request, request.user, action, invitation, token=token)
            request.session.pop(INVITATION_SESSION_KEY, None)  # answered: nothing to carry
            return response
    except InvitationError as exc:
        if exc.code in GONE_CODES:
            request.session.pop(INVITATION_SESSION_KEY, None)
        return _respond_error(request, invitation, exc)
    return render(request, "athletes/invitation_respond.html", {"invitation": invitation})


@login_required
@require_POST
def invitation_answer(request: Request[User], invitation_id: int) -> HttpResponse:
    """Accept or decline from the list page, where the token is unknown (matched by email)."""
    invitation = invitation_received_get(user=request.user, invitation_id=invitation_id)
    if invitation is None:
        raise Http404
    action = request.POST.get("action", "")
    if action not in ("accept", "decline"):
        return redirect("invitation_list")
    try:
        return _after_answer(request, request.user, action, invitation, invitation_id=invitation.id)
    except InvitationError as exc:
        return _respond_error(request, invitation, exc)


@login_required
@require_POST
def invitation_revoke(request: Request[User], invitation_id: int) -> HttpResponse:
    """Withdraw a pending invitation the user sent."""
    invitation = get_object_or_404(
        Invitation.objects.filter(invited_by=request.user, status=Invitation.Status.PENDING),
        id=invitation_id,
    )
    invitation_revoke_service(invitation=invitation, by=request.user)
    if is_partial(request):
        return HttpResponse("")
    messages.success(request, _("Invitation to %(email)s revoked.") % {"email": invitation.email})
    return redirect_back(request, reverse("invitation_list"))


# --- Relationships ------------------------------------------------------------------------------


@login_required
@require_POST
def relationship_end(request: Request[User], relationship_id: int) -> HttpResponse:
    """End a relationship the user is a party to (coach or athlete)."""
    relationship = get_object_or_404(
        CoachAthlete.objects.active()
        .visible_to(request.user)
        .select_related("athlete__user", "coach"),
        id=relationship_id,
    )
    today = relationship.athlete.local_today(timezone.now())
    relationship_end_service(relationship=relationship, by=request.user, today=today)
    if is_partial(request):
        return HttpResponse("")
    messages.success(request, _("The coaching relationship has ended."))
    return redirect_back(request, reverse("invitation_list"))


@login_required
@require_POST
def relationship_permission(request: Request[User], relationship_id: int) -> HttpResponse:
    """The athlete sets what one of their coaches may do."""
    relationship = get_object_or_404(
        CoachAthlete.objects.active().visible_to(request.user).select_related("athlete", "coach"),
        id=relationship_id,
    )
    if relationship.athlete.user_id != request.user.id:
        raise PermissionDenied  # the coach sees the relationship but only the athlete decides
    form = PermissionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a valid permission level."))
        return redirect("invitation_list")
    relationship_set_permission(relationship=relationship, by=request.user, **form.cleaned_data)
    if is_partial(request):
        return render(
            request, "athletes/partials/_invitation_coach_row.html", {"rel": relationship}
        )
    messages.success(
        request, _("Permission updated for %(coach)s.") % {"coach": relationship.coach}
    )
    return redirect("invitation_list")


@login_required
@require_POST
def self_coaching_start(request: Request[User]) -> HttpResponse:
    """Become your own coach: you appear on your own roster with full rights."""
    self_coaching_start_service(user=request.user)
    messages.success(request, _("You now coach yourself: you are on your own roster."))
    return redirect("roster")


# --- Groups -------------------------------------------------------------------------------------


@login_required
def group_list(request: Request[User]) -> HttpResponse:
    """The coach's groups and a form to create one."""
    user = request.user
    if not user.is_coach:
        return _not_coach(request)
    form = GroupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            group = group_services.group_create(coach=user, **form.cleaned_data)
        except group_services.GroupError as exc:
            form.add_error("name", str(exc))
        else:
            messages.success(request, _("Group “%(name)s” created.") % {"name": group.name})
            return redirect("group_detail", group_id=group.id)
    context = {"groups": group_list_select(viewer=user), "form": form}
    return render(request, "athletes/group_list.html", context)


def _group_post(request: HttpRequest, group: Group) -> tuple[GroupForm, GroupMembersForm, bool]:
    action = request.POST.get("action", "")
    rename = GroupForm(request.POST if action == "rename" else None, initial={"name": group.name})
    members = GroupMembersForm(request.POST if action == "members" else None, group=group)
    form = rename if action == "rename" else members
    if not form.is_valid():
        return rename, members, False
    try:
        if action == "rename":
            group_services.group_rename(group=group, **rename.cleaned_data)
        else:
            group_services.group_set_members(group=group, **members.cleaned_data)
    except group_services.GroupError as exc:
        form.add_error(None if action == "members" else "name", str(exc))
        return rename, members, False
    return rename, members, True


@login_required
def group_detail(request: Request[User], group_id: int) -> HttpResponse:
    """Rename a group and choose its members among the coach's athletes."""
    group = get_object_or_404(Group.objects.visible_to(request.user), id=group_id)
    if request.method == "POST":
        rename, members, saved = _group_post(request, group)
        if saved:
            messages.success(request, _("Group saved."))
            return redirect("group_detail", group_id=group.id)
    else:
        rename = GroupForm(initial={"name": group.name})
        members = GroupMembersForm(group=group)
    context = {"group": group, "rename_form": rename, "members_form": members}
    return render(request, "athletes/group_detail.html", context)


@login_required
@require_POST
def group_delete(request: Request[User], group_id: int) -> HttpResponse:
    """Delete a group; its athletes stay on the roster."""
    group = get_object_or_404(Group.objects.visible_to(request.user), id=group_id)
    group_services.group_delete(group=group)
    messages.success(request, _("Group “%(name)s” deleted.") % {"name": group.name})
    return redirect("group_list")
