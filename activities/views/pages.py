"""Activity pages: the list, one activity, the upload page and original-file downloads.

Every view looks the athlete up through the one door first: outside the viewer's scope is 404;
a viewer who sees the athlete but may not edit (view-only coach) gets 403 on uploads.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from activities.forms.pages import ActivityFilterForm, UploadForm
from activities.panels import activity_panels
from activities.selectors import (
    activity_file_get,
    activity_get,
    activity_streams_info,
)
from activities.selectors import (
    activity_list as activities_select,
)
from activities.services.uploads import UploadRow, uploads_receive
from athletes.models import Athlete, User
from athletes.selectors.athletes import athlete_can_edit, athlete_get, athlete_get_for_edit
from core.http import Request, is_partial
from core.uploads import upload_limits

PAGE_SIZE = 25


@login_required
def activity_list(request: Request[User], athlete_id: int) -> HttpResponse:
    """The athlete's activities, filtered and paged (25 a page), newest first."""
    user = request.user
    athlete = athlete_get(viewer=user, athlete_id=athlete_id)
    form = ActivityFilterForm(request.GET)
    filters = form.cleaned_data if form.is_valid() else {}
    activities = activities_select(viewer=user, athlete=athlete, **filters)
    page = Paginator(activities, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "athlete": athlete,
        "form": form,
        "page": page,
        "filtered": any(filters.values()),
        "query": query.urlencode(),
        "can_edit": athlete_can_edit(viewer=user, athlete=athlete),
    }
    return render(request, "activities/activity_list.html", context)


@login_required
def activity_detail(request: Request[User], athlete_id: int, activity_id: int) -> HttpResponse:
    """One activity: summary, laps, sources with their original files, and the panels other
    apps add (journal, planned session, metrics, comments: activities.panels)."""
    user = request.user
    athlete = athlete_get(viewer=user, athlete_id=athlete_id)
    activity = activity_get(viewer=user, athlete=athlete, activity_id=activity_id)
    if activity is None:
        raise Http404
    context = {
        "athlete": athlete,
        "activity": activity,
        "streams": activity_streams_info(activity=activity),
        "panels": activity_panels(request, athlete=athlete, activity=activity),
    }
    return render(request, "activities/activity_detail.html", context)


@login_required
def activity_upload(request: Request[User], athlete_id: int) -> HttpResponse:
    """Upload activity files and archives: each becomes a background import job, listed with
    its progress."""
    user = request.user
    athlete = athlete_get_for_edit(viewer=user, athlete_id=athlete_id)
    if request.method != "POST":
        return _upload_page(request, athlete, UploadForm(), rows=None, status=200)
    form = UploadForm(request.POST, request.FILES)
    if not form.is_valid():
        return _upload_page(request, athlete, form, rows=None, status=400)
    rows = uploads_receive(athlete=athlete, by=user, uploaded=form.cleaned_data["uploads"])
    return _upload_page(request, athlete, UploadForm(), rows=rows, status=_upload_status(rows))


def _upload_status(rows: list[UploadRow]) -> int:
    """The refusal's status (429 too many jobs, 507 no storage left) when every file was
    refused for the same reason, else 200: results are listed per file."""
    statuses = {row.refused.status if row.refused else 200 for row in rows}
    return statuses.pop() if len(statuses) == 1 else 200


def _upload_page(
    request: HttpRequest, athlete: Athlete, form: UploadForm, *, rows: list[UploadRow] | None,
    status: int,
) -> HttpResponse:  # fmt: skip
    """The whole page, or only the results list when the upload script asks for it."""
    context = {"athlete": athlete, "form": form, "rows": rows, "limits": upload_limits()}
    partial = is_partial(request)
    template = "activities/partials/_upload_results.html" if partial else "activities/upload.html"
    return render(request, template, context, status=status)


@login_required
def activity_file_download(request: Request[User], athlete_id: int, file_id: int) -> FileResponse:
    """The original file as uploaded, for whoever may read the athlete's activities."""
    user = request.user
    athlete = athlete_get(viewer=user, athlete_id=athlete_id)
    stored = activity_file_get(viewer=user, athlete=athlete, file_id=file_id)
    if stored is None:
        raise Http404
    try:
        handle = stored.file.open("rb")
    except FileNotFoundError as missing:
        raise Http404 from missing
    return FileResponse(handle, as_attachment=True, filename=stored.original_name)
