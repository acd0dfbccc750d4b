"""The progress of a long job, polled by static/js/job_progress.js; staff see their company's jobs only."""
from django.http import JsonResponse
from django.shortcuts import get_object_or_404

from heating.models import Job
from heating.selectors.jobs import company_jobs
from heating.selectors.scope import company_staff_required
from heating.templatetags.portal import person_name


def _moment(value):
    return value.isoformat() if value else None


def progress_data(job: Job) -> dict:
    return {
        "id": job.pk,
        "kind": job.kind,
        "state": job.state,
        "state_label": job.get_state_display(),
        "active": job.active,
        "total": job.total,
        "done": job.done,
        "started_by": person_name(job.started_by),
        "created_at": _moment(job.created_at),
        "started_at": _moment(job.started_at),
        "finished_at": _moment(job.finished_at),
        "error": job.error,
    }


@company_staff_required
def job_progress(request, pk):
    job = get_object_or_404(company_jobs(request.company), pk=pk)
    response = JsonResponse(progress_data(job))
    response["Cache-Control"] = "no-store"
    return response
