"""Background import jobs: the list, one job's page, and its progress partial (htmx polling)."""

from __future__ import annotations

from typing import cast

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from activities.models import ImportJob
from activities.selectors import import_rows
from activities.services.uploads import UploadRow
from athletes.models import Athlete, User

RECENT_JOBS = 50
FILTERS = ("all", "failed")


def _job(request: HttpRequest, athlete_id: int, job_id: int) -> ImportJob:
    """The job of an athlete the viewer may see; 404 outside that scope."""
    athlete = get_object_or_404(Athlete.objects.visible_to(request.user), id=athlete_id)
    return get_object_or_404(
        ImportJob.objects.select_related("athlete__user"), athlete=athlete, id=job_id
    )


def _job_context(request: HttpRequest, job: ImportJob) -> dict[str, object]:
    show = request.GET.get("show", "failed" if job.failed else "all")
    show = show if show in FILTERS else "all"
    finished = job.state in ImportJob.FINISHED
    results = [r for r in job.results if show == "all" or r.get("outcome") == "failed"]
    viewer = cast(User, request.user)  # behind login_required
    rows = import_rows(viewer=viewer, athlete=job.athlete, results=results) if finished else []
    return {
        "job": job,
        "athlete": job.athlete,
        "finished": finished,
        "show": show,
        "results": rows,
    }


@login_required
def import_job_list(request: HttpRequest, athlete_id: int) -> HttpResponse:
    """The athlete's recent import jobs, newest first."""
    athlete = get_object_or_404(Athlete.objects.visible_to(request.user), id=athlete_id)
    jobs = ImportJob.objects.filter(athlete=athlete).defer("results")[:RECENT_JOBS]
    return render(request, "activities/import_job_list.html", {"athlete": athlete, "jobs": jobs})


@login_required
def import_job_detail(request: HttpRequest, athlete_id: int, job_id: int) -> HttpResponse:
    """One job: state, progress, counts and the per-file results (filter: failed or all)."""
    job = _job(request, athlete_id, job_id)
    return render(request, "activities/import_job_detail.html", _job_context(request, job))


@login_required
def import_job_progress(request: HttpRequest, athlete_id: int, job_id: int) -> HttpResponse:
    """The progress block, polled every second until the job is finished (then no trigger);
    with `?row=1`, the job's row of the upload page instead."""
    job = _job(request, athlete_id, job_id)
    if request.GET.get("row"):
        context = {"row": UploadRow(job.original_name, job=job), "athlete": job.athlete}
        return render(request, "activities/partials/_upload_row.html", context)
    return render(request, "activities/partials/_import_progress.html", _job_context(request, job))
