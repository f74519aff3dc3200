"""Entry pages: the home redirect per role, "me", and the athlete profile settings."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from athletes.forms.pages import ProfileForm
from athletes.models import Athlete, User
from athletes.selectors.athletes import athlete_get, athlete_get_for_edit
from athletes.services.profiles import athlete_profile_update
from athletes.services.wellness import wellness_sharing_set
from core.http import Request


def home(request: HttpRequest) -> HttpResponse:
    """Coaches land on their cockpit, athletes on their home (today, yesterday, the week); others
    get a welcome page."""
    if not request.user.is_authenticated:
        return redirect(settings.LOGIN_URL)
    if request.user.is_coach:
        return redirect("cockpit")
    if Athlete.objects.filter(user=request.user).exists():
        return redirect("athlete_home")
    return render(request, "athletes/home.html")


@login_required
def me(request: HttpRequest) -> HttpResponse:
    """The viewer's own athlete page."""
    own = get_object_or_404(Athlete, user=request.user)
    return redirect("athlete_detail", own.id)


@login_required
def profile_edit(request: Request[User], athlete_id: int) -> HttpResponse:
    """An athlete's profile settings (sex, birth date, time zone, units, language, load)."""
    user = request.user
    athlete = athlete_get_for_edit(viewer=user, athlete_id=athlete_id)
    is_self = athlete.user_id == user.id
    form = ProfileForm(request.POST or None, instance=athlete, include_names=is_self)
    if request.method != "POST" or not form.is_valid():
        context = {"form": form, "athlete": athlete, "is_self": is_self}
        return render(request, "athletes/profile_form.html", context)
    athlete_profile_update(athlete=athlete, by=user, **form.cleaned_data)
    response = redirect("athlete_detail", athlete.id)
    language = athlete.language if is_self else translation.get_language()
    with translation.override(language):
        messages.success(request, _("Profile saved."))
    if is_self:
        _set_language_cookie(response, athlete.language)
    return response


@login_required
@require_POST
def wellness_sharing(request: Request[User], athlete_id: int) -> HttpResponse:
    """The athlete shares their wellness with their coaches, or stops: 404 out of scope, 403
    for a coach (only the athlete consents)."""
    athlete = athlete_get(viewer=request.user, athlete_id=athlete_id)
    shared = request.POST.get("shared") == "on"
    wellness_sharing_set(by=request.user, athlete=athlete, shared=shared)
    messages.success(
        request,
        _("Your coaches now see your wellness.")
        if shared
        else _("Your wellness is private again: your coaches no longer see it."),
    )
    return redirect("wellness", athlete.id)


def _set_language_cookie(response: HttpResponse, language: str) -> None:
    """Show the UI in the athlete's newly saved language from the next page on."""
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )
