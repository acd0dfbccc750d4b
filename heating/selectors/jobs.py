"""Jobs as their company's staff see them."""
from heating.models import Job
from heating.services.jobs import params_key


def company_jobs(company):
    return Job.objects.filter(company=company).select_related("started_by")


def job_latest(*, company, kind: str, params: dict) -> Job | None:
    """The newest job of `kind` with these params: the one a page shows the progress of."""
    return company_jobs(company).filter(kind=kind, params_key=params_key(params)).order_by("-id").first()
