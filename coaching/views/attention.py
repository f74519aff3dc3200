"""The attention queue of the cockpit: the coach's thresholds, dismissing or snoozing an item
(the queue itself shows on the cockpit, `coaching.views.cockpit`)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from athletes.models import Athlete, User
from coaching.forms.attention import AttentionDismissForm, AttentionSettingsForm
from coaching.selectors.attention import attention_settings_get
from coaching.services.attention import attention_dismiss
from core.http import Request


@login_required
@require_http_methods(["GET", "POST"])
def attention_settings(request: Request[User]) -> HttpResponse:
    """The coach's thresholds of the attention queue."""
    if not request.user.is_coach:
        return render(request, "athletes/roster.html", {"not_coach": True}, status=403)
    current = attention_settings_get(coach=request.user)
    form = AttentionSettingsForm(request.POST or None, instance=current)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Attention thresholds saved."))
        return redirect("cockpit")
    status = 400 if form.errors else 200
    return render(request, "coaching/attention_settings.html", {"form": form}, status=status)


@login_required
@require_POST
def attention_dismiss_view(request: Request[User], athlete_id: int) -> HttpResponse:
    """Dismiss or snooze one item of the queue, for an athlete the coach sees (else 404)."""
    if not request.user.is_coach:
        raise Http404
    athlete = get_object_or_404(Athlete.objects.visible_to(request.user), id=athlete_id)
    form = AttentionDismissForm(request.POST, today=timezone.localdate())
    if not form.is_valid():
        messages.error(request, _("This item could not be hidden: choose a day after today."))
        return redirect("cockpit")
    data = form.cleaned_data
    attention_dismiss(
        coach=request.user,
        athlete=athlete,
        kind=data["kind"],
        fingerprint=data["fingerprint"],
        until=data["until"],
    )
    return redirect("cockpit")
