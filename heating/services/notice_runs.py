"""A building's or a route's notices as one PDF, made in a job the clerk watches (heating.services.jobs).

One slot, the whole file: the codes it issues and the file commit with the slot, so a worker killed
mid-run leaves the old codes live and the slot is redone. The page sees the job queued, running and
done (its count of accounts at once): a slot's progress is inside its transaction, unseen until it
commits."""
from pathlib import Path

from django.conf import settings

from heating.models import Building, Job, Route
from heating.selectors.notices import notice_accounts
from heating.services.jobs import job_handler, job_start

from .notices import notices_pdf

KIND = "notices_pdf"


def notices_params(*, start_year: int, building=None, route=None) -> dict:
    return {
        "season": start_year,
        "building": building.pk if building else None,
        "route": route.pk if route else None,
    }


def notices_file(job: Job) -> Path:
    root = settings.MEDIA_ROOT or Path(settings.BASE_DIR) / "media"
    return Path(root) / "notices" / f"job-{job.pk}.pdf"


def notices_start(*, company, start_year: int, user, building=None, route=None) -> Job:
    """Queue the notices of a building or a route; JobActive when the same run is queued or running."""
    params = notices_params(start_year=start_year, building=building, route=route)
    count = notice_accounts(company, building=building, route=route).count()
    return job_start(kind=KIND, company=company, user=user, params=params, slots=[(params, max(count, 1))])


@job_handler(KIND)
def notices_slot(job: Job, payload: dict) -> dict:
    building = Building.objects.filter(pk=payload["building"], company=job.company).first()
    route = Route.objects.filter(pk=payload["route"], company=job.company).first()
    accounts = notice_accounts(job.company, building=building, route=route)
    pdf, pages = notices_pdf(accounts=accounts, start_year=payload["season"], user=job.started_by)
    path = notices_file(job)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(pdf)
    return {"pages": pages}
