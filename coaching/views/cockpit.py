"""The coach's cockpit: the landing page of a coach, one row per athlete (the week planned vs
done, compliance, Fitness / Fatigue / Form, what waits for the coach), by group and week."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.views.decorators.http import require_GET

from athletes.models import Group, User
from athletes.selectors.relationships import group_list
from coaching.forms.attention import SNOOZE_DAYS
from coaching.selectors.attention import attention_list
from coaching.selectors.cockpit import SORTS, cockpit_get, cockpit_sort
from coaching.selectors.planner import parse_week
from core.http import Request


@login_required
@require_GET
def cockpit(request: Request[User]) -> HttpResponse:
    """Every athlete the coach sees (`?group=` one group's), the week of `?week=` (any day of
    it), sorted by `?sort=` (a column of `SORTS`, "-" first for descending)."""
    user = request.user
    if not user.is_coach:
        return render(request, "athletes/roster.html", {"not_coach": True}, status=403)
    group = _group(user, request.GET.get("group", ""))
    week = parse_week(request.GET.get("week"), today=timezone.localdate())
    page = cockpit_get(viewer=user, week_start=week, group=group)
    rows, sort = cockpit_sort(page.rows, sort=request.GET.get("sort", "name"))
    context = {
        "page": page,
        "attention": attention_list(viewer=user, cockpit=page),
        "snooze_until": timezone.localdate() + dt.timedelta(days=SNOOZE_DAYS),
        "rows": rows,
        "sort": sort,
        "sort_urls": _sort_urls(request, sort),
        "week_query": _query(request, drop="week"),
        "group": group,
        "groups": group_list(viewer=user),
    }
    return render(request, "coaching/cockpit.html", context)


def _group(user: User, text: str) -> Group | None:
    if not text:
        return None
    if not text.isdigit():
        raise Http404
    return get_object_or_404(Group.objects.visible_to(user), id=int(text))


def _query(request: HttpRequest, *, drop: str) -> str:
    """The page's query string without `drop`, ending with "&" when not empty."""
    query = request.GET.copy()
    query.pop(drop, None)
    encoded = query.urlencode()
    return f"{encoded}&" if encoded else ""


def _sort_urls(request: HttpRequest, sort: str) -> dict[str, str]:
    """{column: its link}: ascending, or descending when the page is sorted by it already."""
    base = _query(request, drop="sort")
    return {key: f"?{base}sort={'-' if sort == key else ''}{key}" for key in SORTS}
