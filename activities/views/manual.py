"""The manual log form and the CSV import page (athlete-scoped, writers only).

Outside the viewer's scope: 404; a viewer who sees the athlete but may not edit
(view-only coach): 403 — on GET as well, since both pages only exist to write.
"""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from activities.forms.manual import CsvImportForm, ManualLogForm
from activities.models import ImportJob
from activities.services.manual import CSV_COLUMNS, csv_import, manual_activity_log
from activities.services.storage import UploadRefused, upload_admit
from activities.services.uploads import import_job_create
from activities.types import ImportReport, RejectedFile
from athletes.models import Athlete, User
from athletes.selectors.athletes import athlete_get_for_edit, athlete_writes_journal
from core.http import Request


@login_required
def activity_log_manual(request: Request[User], athlete_id: int) -> HttpResponse:
    """Log a session without a recording; then show the activity it was stored on."""
    user = request.user
    athlete = athlete_get_for_edit(viewer=user, athlete_id=athlete_id)
    day = _day_param(request.GET.get("day", "")) or athlete.local_today()
    journal = athlete_writes_journal(viewer=user, athlete=athlete)
    form = ManualLogForm(
        request.POST or None, units=athlete.units, journal=journal, initial={"day": day}
    )
    if request.method != "POST" or not form.is_valid():
        return render(request, "activities/log_form.html", {"form": form, "athlete": athlete})
    activity = manual_activity_log(athlete=athlete, by=user, **form.si_values())
    messages.success(request, _("Session logged."))
    return redirect("activity_detail", athlete.id, activity.id)


def _day_param(text: str) -> dt.date | None:
    """The day a link prefills ("?day=2026-03-02", from the planner); None when not a date."""
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        return None


# Larger logs (about 350 lines and more, a second of work and more) go to a background import
# job with a progress page — by size, whatever the file's name.
CSV_INLINE_MAX_BYTES = 8 * 1024


@login_required
def activity_csv_import(request: Request[User], athlete_id: int) -> HttpResponse:
    """Upload a CSV training log; the page then lists what happened to each line."""
    user = request.user
    athlete = athlete_get_for_edit(viewer=user, athlete_id=athlete_id)
    form = CsvImportForm(request.POST or None, request.FILES or None)
    report: ImportReport | None = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        if upload.size > CSV_INLINE_MAX_BYTES:
            try:
                upload_admit(athlete=athlete, size_bytes=upload.size)
            except UploadRefused as refused:
                form.add_error("file", refused.reason)
                return _csv_page(request, form, athlete, report=None, status=refused.status)
            job = import_job_create(
                athlete=athlete, by=user, uploaded_file=upload, kind=ImportJob.Kind.CSV
            )
            messages.info(request, _("A long log: it is imported in the background."))
            return redirect("import_job_detail", athlete.id, job.id)
        try:
            report = csv_import(athlete=athlete, data=upload.read())
        except RejectedFile as rejected:
            form.add_error("file", rejected.reason)
    return _csv_page(request, form, athlete, report=report)


def _csv_page(
    request: HttpRequest,
    form: CsvImportForm,
    athlete: Athlete,
    *,
    report: ImportReport | None,
    status: int = 200,
) -> HttpResponse:
    context = {
        "form": form,
        "athlete": athlete,
        "report": report,
        "counts": report.counts() if report else None,
        "header": ",".join(CSV_COLUMNS),
    }
    return render(request, "activities/csv_import.html", context, status=status)
