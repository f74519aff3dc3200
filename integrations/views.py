"""The Connections page: connect Garmin (sign-in and MFA code in a task, the page polls),
see its status and runs live, sync now, backfill, disconnect.

The athlete and coaches with `full` rights manage connections: others who see the athlete
get 403, anyone else 404 (the one door: `visible_to`, then `manageable_by`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from athletes.models import Athlete, User
from athletes.services.wellness import wellness_sharing_set
from core.http import Request, is_partial
from integrations.forms import BackfillForm, CalendarForm, GarminCodeForm, GarminSignInForm
from integrations.garmin.auth import SignInRefused, code_submit, sign_in_start
from integrations.garmin.schedule import SyncRefused, backfill_request, sync_now
from integrations.models import Connection, LoginAttempt
from integrations.selectors import (
    GarminPanel,
    calendar_panel,
    garmin_panel,
)
from integrations.services.connections import connection_disconnect, connections_manage_check
from integrations.trainingpeaks.schedule import CalendarRefused, calendar_pull_now
from integrations.trainingpeaks.schedule import calendar_connect as calendar_connect_service

GARMIN_REVOKE_URL = "https://www.garmin.com/account/"


def _athlete(request: HttpRequest, athlete_id: int) -> Athlete:
    athlete = get_object_or_404(Athlete.objects.visible_to(request.user), id=athlete_id)
    connections_manage_check(request.user, athlete.id)
    return athlete


def _garmin(athlete: Athlete) -> Connection:
    return get_object_or_404(Connection, athlete=athlete, provider=Connection.Provider.GARMIN)


def _sign_in_form(request: HttpRequest, athlete: Athlete, data: Any = None) -> GarminSignInForm:
    """The sign-in form; it asks the athlete (never a coach) to share their wellness."""
    is_self = athlete.user_id == request.user.pk
    initial = {"share_wellness": athlete.wellness_shared_at is not None}
    return GarminSignInForm(data, asks_consent=is_self, initial=initial)


def _context(request: HttpRequest, panel: GarminPanel, **extra: Any) -> dict[str, Any]:
    return {
        "athlete": panel.athlete,
        "garmin": panel,
        "sign_in_form": extra.pop("sign_in_form", None) or _sign_in_form(request, panel.athlete),
        "code_form": extra.pop("code_form", GarminCodeForm()),
        "backfill_form": extra.pop("backfill_form", BackfillForm()),
        "revoke_url": GARMIN_REVOKE_URL,
        **extra,
    }


def _page(request: HttpRequest, athlete: Athlete, status: int = 200, **extra: Any) -> HttpResponse:
    context = _context(request, garmin_panel(athlete), **extra)
    if not is_partial(request):
        context |= {"calendar": calendar_panel(athlete), "calendar_form": CalendarForm()}
    template = (
        "integrations/partials/_garmin_card.html"
        if is_partial(request)
        else ("integrations/connections.html")
    )
    return render(request, template, context, status=status)


def _back(athlete: Athlete) -> HttpResponse:
    return redirect(reverse("connections", args=[athlete.id]))


def _said(
    request: HttpRequest,
    athlete: Athlete,
    text: str,
    *,
    level: int = messages.SUCCESS,
    status: int = 200,
    card: Callable[..., HttpResponse] | None = None,
) -> HttpResponse:
    """Tell what happened: inside the card (`card`, the Garmin one by default) for htmx — a
    message would wait for the next full page, wherever that is —, as a flash message above
    the page otherwise."""
    if is_partial(request):
        tone = "success" if level == messages.SUCCESS else "warning"
        render_card = card or _page
        return render_card(request, athlete, status=status, notice=text, notice_tone=tone)
    messages.add_message(request, level, text)
    return _back(athlete)


@login_required
@require_GET
def connections(request: HttpRequest, athlete_id: int) -> HttpResponse:
    """The athlete's connections (Garmin today): status, what to do, last runs."""
    return _page(request, _athlete(request, athlete_id))


@login_required
@require_GET
def garmin_card(request: HttpRequest, athlete_id: int) -> HttpResponse:
    """The Garmin card alone, polled while a sign-in or a run is under way."""
    athlete = _athlete(request, athlete_id)
    return render(
        request,
        "integrations/partials/_garmin_card.html",
        _context(request, garmin_panel(athlete)),
    )


@login_required
@require_POST
def garmin_connect(request: Request[User], athlete_id: int) -> HttpResponse:
    """Start a sign-in: a worker logs in to Garmin; the card polls the attempt."""
    athlete = _athlete(request, athlete_id)
    form = _sign_in_form(request, athlete, request.POST)
    if not form.is_valid():
        return _page(request, athlete, status=400, sign_in_form=form)
    try:
        sign_in_start(
            by=request.user,
            athlete=athlete,
            email=form.cleaned_data["email"],
            password=form.cleaned_data["password"],
        )
    except SignInRefused as refused:
        form.add_error(None, refused.message)
        return _page(request, athlete, status=429, sign_in_form=form)
    if "share_wellness" in form.fields:
        wellness_sharing_set(
            by=request.user, athlete=athlete, shared=form.cleaned_data["share_wellness"]
        )
    return _page(request, athlete) if is_partial(request) else _back(athlete)


@login_required
@require_POST
def garmin_code(request: Request[User], athlete_id: int, attempt_id: int) -> HttpResponse:
    """The MFA code Garmin sent: a worker finishes the sign-in with it."""
    athlete = _athlete(request, athlete_id)
    attempt = get_object_or_404(LoginAttempt, id=attempt_id, connection__athlete=athlete)
    form = GarminCodeForm(request.POST)
    if not form.is_valid():
        return _page(request, athlete, status=400, code_form=form)
    try:
        code_submit(by=request.user, attempt=attempt, code=form.cleaned_data["code"])
    except SignInRefused as refused:
        form.add_error("code", refused.message)
        return _page(request, athlete, status=400, code_form=form)
    return _page(request, athlete) if is_partial(request) else _back(athlete)


@login_required
@require_POST
def garmin_sync_now(request: Request[User], athlete_id: int) -> HttpResponse:
    athlete = _athlete(request, athlete_id)
    try:
        sync_now(by=request.user, connection=_garmin(athlete))
    except SyncRefused as refused:
        return _said(request, athlete, refused.message, level=messages.WARNING, status=429)
    return _said(
        request, athlete, _("Sync started: new activities and wellness appear as they arrive.")
    )


@login_required
@require_POST
def garmin_backfill(request: Request[User], athlete_id: int) -> HttpResponse:
    athlete = _athlete(request, athlete_id)
    form = BackfillForm(request.POST)
    if not form.is_valid():
        return _page(request, athlete, status=400, backfill_form=form)
    try:
        backfill_request(
            by=request.user, connection=_garmin(athlete), since=form.cleaned_data["since"]
        )
    except SyncRefused as refused:
        form.add_error("since", refused.message)
        return _page(request, athlete, status=400, backfill_form=form)
    return _said(request, athlete, _("History is on its way: the runs below show its progress."))


@login_required
@require_POST
def garmin_disconnect(request: Request[User], athlete_id: int) -> HttpResponse:
    """Forget Garmin's tokens; the activities already imported stay."""
    athlete = _athlete(request, athlete_id)
    connection_disconnect(_garmin(athlete))
    messages.success(
        request,
        _(
            "Garmin disconnected: Paceline deleted its tokens. Your imported activities stay. "
            "To revoke Paceline's access at Garmin too, sign out of other sessions in your "
            "Garmin account settings."
        ),
    )
    return _back(athlete)


# --- TrainingPeaks calendar --------------------------------------------------------------------


def _calendar(
    request: HttpRequest, athlete: Athlete, status: int = 200, **extra: Any
) -> HttpResponse:
    context = {
        "athlete": athlete,
        "calendar": calendar_panel(athlete),
        "calendar_form": extra.pop("calendar_form", None) or CalendarForm(),
        **extra,
    }
    return render(request, "integrations/partials/_calendar_card.html", context, status=status)


@login_required
@require_GET
def calendar_card(request: HttpRequest, athlete_id: int) -> HttpResponse:
    """The TrainingPeaks card alone, polled while a pull is under way."""
    return _calendar(request, _athlete(request, athlete_id))


@login_required
@require_POST
def calendar_connect(request: Request[User], athlete_id: int) -> HttpResponse:
    """Keep the pasted feed address and read it at once; the card shows what it found."""
    athlete = _athlete(request, athlete_id)
    form = CalendarForm(request.POST)
    if not form.is_valid():
        return _calendar(request, athlete, status=400, calendar_form=form)
    try:
        calendar_connect_service(by=request.user, athlete=athlete, url=form.cleaned_data["url"])
    except CalendarRefused as refused:
        form.add_error("url", refused.message)
        return _calendar(request, athlete, status=400, calendar_form=form)
    return _calendar(request, athlete) if is_partial(request) else _back(athlete)


@login_required
@require_POST
def calendar_pull(request: Request[User], athlete_id: int) -> HttpResponse:
    athlete = _athlete(request, athlete_id)
    connection = get_object_or_404(
        Connection, athlete=athlete, provider=Connection.Provider.TRAININGPEAKS
    )
    try:
        calendar_pull_now(by=request.user, connection=connection)
    except CalendarRefused as refused:
        return _said(
            request, athlete, refused.message, level=messages.WARNING, status=429, card=_calendar
        )
    return _calendar(request, athlete) if is_partial(request) else _back(athlete)


@login_required
@require_POST
def calendar_disconnect(request: Request[User], athlete_id: int) -> HttpResponse:
    """Forget the feed address; the sessions it brought stay on the plan."""
    athlete = _athlete(request, athlete_id)
    connection_disconnect(
        get_object_or_404(Connection, athlete=athlete, provider=Connection.Provider.TRAININGPEAKS)
    )
    messages.success(
        request,
        _(
            "Calendar disconnected: Paceline forgot its address. The sessions it brought stay "
            "on the plan; change or delete them there."
        ),
    )
    return _back(athlete)
