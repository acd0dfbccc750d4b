"""Jobs as their company's staff see them."""
from datetime import timedelta

from django.conf import settings
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from heating.models import Job, JobSlot
from heating.services.jobs import params_key


def company_jobs(company):
    return Job.objects.filter(company=company).select_related("started_by")


def job_latest(*, company, kind: str, params: dict) -> Job | None:
    """The newest job of `kind` with these params: the one a page shows the progress of."""
    return company_jobs(company).filter(kind=kind, params_key=params_key(params)).order_by("-id").first()


def jobs_stalled() -> list[int]:
    """Jobs no live worker is on: queued or running for longer than the lease with no claim younger
    than it (the queued task was lost, or every worker on it died). Running one again is harmless."""
    stale = timezone.now() - timedelta(seconds=settings.JOB_LEASE_SECONDS)
    live = JobSlot.objects.filter(job=OuterRef("pk"), state=JobSlot.State.CLAIMED, claimed_at__gte=stale)
    waiting = Q(state=Job.State.QUEUED, created_at__lt=stale)
    waiting |= Q(state=Job.State.RUNNING, started_at__lt=stale)
    return list(Job.objects.filter(waiting).exclude(Exists(live)).order_by("pk").values_list("pk", flat=True))
