"""The Connections page: connect Garmin (sign-in and MFA code in a task, the page polls),
Strava (OAuth) and a TrainingPeaks calendar; see their status and runs live, sync now,
backfill, disconnect. And Strava's webhook, the one door here without a login.

The athlete and coaches with `full` rights manage connections: others who see the athlete
get 403, anyone else 404 (the one door: `visible_to`, then `manageable_by`).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from athletes.models import Athlete, User
from athletes.services.strava import strava_sharing_set
from athletes.services.wellness import wellness_sharing_set
from core.http import Request, is_partial, over_rate
from integrations.forms import (
    BackfillForm,
    CalendarForm,
    GarminCodeForm,
    GarminSignInForm,
    StravaOptionsForm,
)
from integrations.garmin.auth import SignInRefused, code_submit, sign_in_start
from integrations.garmin.schedule import SyncRefused, backfill_request, sync_now
from integrations.models import Connection, LoginAttempt
from integrations.selectors import (
    GarminPanel,
    StravaPanel,
    calendar_panel,
    garmin_panel,
    strava_panel,
)
from integrations.services.connections import connection_disconnect, connections_manage_check
from integrations.strava import client as strava_client
from integrations.strava import schedule as strava
from integrations.strava.client import EventRefused
from integrations.strava.webhooks import MAX_BODY_BYTES, challenge_answer, event_accept
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
        context |= _strava_context(request, strava_panel(athlete))
    if is_partial(request):
        return render(request, "integrations/partials/_garmin_card.html", context, status=status)
    response = render(request, "integrations/connections.html", context, status=status)
    if strava_client.enabled():  # "Connect Strava" posts here, then goes on to Strava
        policy = dict(settings.SECURE_CSP)
        policy["form-action"] = [*policy.get("form-action", []), strava_client.authorize_origin()]
        # Django's per-response policy (what its csp_override decorator sets).
        response._csp_config = policy  # type: ignore[attr-defined]
    return response


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


# --- Strava ------------------------------------------------------------------------------------

STRAVA_SESSION_KEY = "strava_oauth"
WEBHOOK_PER_MINUTE = 120  # per client address; Strava sends a few events per activity


def _strava_options_form(request: HttpRequest, panel: StravaPanel, data: Any = None) -> Any:
    athlete = panel.athlete
    initial = {
        "share_strava": athlete.strava_shared_at is not None,
        "skip_garmin": panel.skips_garmin,
    }
    return StravaOptionsForm(data, asks_consent=athlete.user_id == request.user.pk, initial=initial)


def _strava_context(request: HttpRequest, panel: StravaPanel, **extra: Any) -> dict[str, Any]:
    return {
        "athlete": panel.athlete,
        "strava": panel,
        "strava_options_form": extra.pop("strava_options_form", None)
        or _strava_options_form(request, panel),
        "strava_backfill_form": extra.pop("strava_backfill_form", BackfillForm()),
        **extra,
    }


def _strava_card(
    request: HttpRequest, athlete: Athlete, status: int = 200, **extra: Any
) -> HttpResponse:
    context = _strava_context(request, strava_panel(athlete), **extra)
    return render(request, "integrations/partials/_strava_card.html", context, status=status)


def _strava(athlete: Athlete) -> Connection:
    return get_object_or_404(Connection, athlete=athlete, provider=Connection.Provider.STRAVA)


@login_required
@require_GET
def strava_card(request: HttpRequest, athlete_id: int) -> HttpResponse:
    """The Strava card alone, polled while a run is under way."""
    return _strava_card(request, _athlete(request, athlete_id))


@login_required
@require_POST
def strava_connect(request: Request[User], athlete_id: int) -> HttpResponse:
    """Send the browser to Strava to approve Paceline; Strava sends it back to the callback
    with a code and our `state` (kept in the session: a forged callback has none)."""
    athlete = _athlete(request, athlete_id)
    state = strava.oauth_state()
    redirect_uri = settings.PACELINE_BASE_URL + reverse("strava_callback")
    try:
        url = strava.oauth_begin(
            by=request.user, athlete=athlete, redirect_uri=redirect_uri, state=state
        )
    except strava.StravaRefused as refused:
        return _said(request, athlete, refused.message, level=messages.WARNING, status=400)
    request.session[STRAVA_SESSION_KEY] = {"state": state, "athlete_id": athlete.id}
    response = HttpResponse(status=204)
    if is_partial(request):
        response["HX-Redirect"] = url
        return response
    return redirect(url)


@login_required
@require_GET
def strava_callback(request: Request[User]) -> HttpResponse:
    """Strava's redirect after the athlete approved (or not)."""
    pending = request.session.pop(STRAVA_SESSION_KEY, None) or {}
    given = str(request.GET.get("state", ""))
    if not isinstance(pending, dict) or not strava.state_matches(
        str(pending.get("state", "")), given
    ):
        messages.error(request, _("This Strava answer was not for this session: connect again."))
        return redirect(reverse("home"))
    athlete = _athlete(request, int(pending.get("athlete_id", 0)))
    if request.GET.get("error") or not request.GET.get("code"):
        messages.warning(request, _("Strava was not connected: you did not approve Paceline."))
        return _back(athlete)
    try:
        strava.oauth_complete(
            by=request.user,
            athlete=athlete,
            code=str(request.GET.get("code", ""))[:255],
            scope=str(request.GET.get("scope", ""))[:255],
        )
    except strava.StravaRefused as refused:
        messages.warning(request, refused.message)
        return _back(athlete)
    messages.success(
        request,
        _(
            "Strava connected: your last 30 days are on their way, new activities follow as "
            "you record them."
        ),
    )
    return _back(athlete)


@login_required
@require_POST
def strava_sync_now(request: Request[User], athlete_id: int) -> HttpResponse:
    athlete = _athlete(request, athlete_id)
    try:
        strava.sync_now(by=request.user, connection=_strava(athlete))
    except strava.StravaRefused as refused:
        return _said(
            request, athlete, refused.message, level=messages.WARNING, status=429, card=_strava_card
        )
    return _said(
        request, athlete, _("Sync started: the last three days are read again."), card=_strava_card
    )


@login_required
@require_POST
def strava_backfill(request: Request[User], athlete_id: int) -> HttpResponse:
    athlete = _athlete(request, athlete_id)
    form = BackfillForm(request.POST)
    if not form.is_valid():
        return _strava_card(request, athlete, status=400, strava_backfill_form=form)
    try:
        strava.backfill_request(
            by=request.user, connection=_strava(athlete), since=form.cleaned_data["since"]
        )
    except strava.StravaRefused as refused:
        form.add_error("since", refused.message)
        return _strava_card(request, athlete, status=400, strava_backfill_form=form)
    return _said(
        request,
        athlete,
        _("History is on its way: the runs below show its progress and when it should be done."),
        card=_strava_card,
    )


@login_required
@require_POST
def strava_options(request: Request[User], athlete_id: int) -> HttpResponse:
    athlete = _athlete(request, athlete_id)
    panel = strava_panel(athlete)
    form = _strava_options_form(request, panel, request.POST)
    if not form.is_valid():  # pragma: no cover — two booleans are always valid
        return _strava_card(request, athlete, status=400, strava_options_form=form)
    if "share_strava" in form.fields:
        strava_sharing_set(
            by=request.user, athlete=athlete, shared=form.cleaned_data["share_strava"]
        )
    if panel.connection is not None:
        strava.option_set(
            by=request.user,
            connection=panel.connection,
            skip_garmin=form.cleaned_data["skip_garmin"],
        )
    return _said(request, athlete, _("Your Strava choices are saved."), card=_strava_card)


@login_required
@require_POST
def strava_disconnect(request: Request[User], athlete_id: int) -> HttpResponse:
    """Revoke Paceline's access at Strava and delete what Strava brought."""
    athlete = _athlete(request, athlete_id)
    removed, revoked = strava.disconnect(by=request.user, connection=_strava(athlete))
    count = removed.get("activities", 0)
    text = ngettext(
        "Strava disconnected: Paceline deleted its tokens and the %(count)s activity only "
        "Strava had brought; activities from your files stay.",
        "Strava disconnected: Paceline deleted its tokens and the %(count)s activities only "
        "Strava had brought; activities from your files stay.",
        count,
    ) % {"count": count}
    if not revoked:
        text += " " + _(
            "Strava could not be told: remove Paceline under My Apps in your Strava settings."
        )
    messages.success(request, text)
    return _back(athlete)


@csrf_exempt
@require_http_methods(["GET", "POST"])
def strava_webhook(request: HttpRequest) -> HttpResponse:
    """Strava's subscription check (GET) and events (POST): kept, answered at once, done by a
    task. Unsigned by Strava, so bounded, rate-limited and checked before anything is kept."""
    if over_rate(request, "strava-webhook", limit=WEBHOOK_PER_MINUTE):
        return JsonResponse({"error": "too many requests"}, status=429)
    if request.method == "GET":
        answer = challenge_answer(request.GET)
        if answer is None:
            return JsonResponse({"error": "unknown verify token"}, status=403)
        return JsonResponse(answer)
    try:
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        declared = MAX_BODY_BYTES + 1
    if declared > MAX_BODY_BYTES:
        return JsonResponse({"error": "body too large"}, status=413)
    body = request.read(MAX_BODY_BYTES + 1)
    if len(body) > MAX_BODY_BYTES:
        return JsonResponse({"error": "body too large"}, status=413)
    try:
        event_accept(json.loads(body))
    except (ValueError, EventRefused) as refused:
        return JsonResponse({"error": f"not a Strava event: {refused}"[:200]}, status=400)
    return JsonResponse({"ok": True})
