"""The season's totals (heating.selectors.season_totals) summed by a one-slot job and kept as a new
SeasonTotals row; started by a manager's button and after every settlement job of the season."""
from heating.models import Job, SeasonTotals
from heating.selectors.season_totals import season_totals_compute
from heating.services.jobs import JobActive, job_finished, job_handler, job_start
from heating.services.settlement_runs import KIND as SETTLEMENT_KIND

KIND = "season_totals"


def season_totals_params(start_year: int) -> dict:
    return {"season": start_year}


def season_totals_record(*, company, start_year: int, user=None, job: Job | None = None) -> SeasonTotals:
    return SeasonTotals.objects.create(
        company=company,
        season_year=start_year,
        computed_by=user,
        job=job,
        **season_totals_compute(company, start_year),
    )


def season_totals_start(company, start_year: int, user=None) -> Job:
    """Queue the summing of the company's season. JobActive when one is already queued or running."""
    return job_start(
        kind=KIND, company=company, user=user, params=season_totals_params(start_year), slots=[({}, 1)]
    )


@job_handler(KIND)
def season_totals_slot(job: Job, payload: dict) -> dict:
    totals = season_totals_record(
        company=job.company, start_year=job.params["season"], user=job.started_by, job=job
    )
    return {"totals": totals.pk}


@job_finished(SETTLEMENT_KIND)
def _after_settlement(job: Job) -> None:
    try:
        season_totals_start(job.company, job.params["season"], job.started_by)
    except JobActive:
        pass  # one already queued or running: if it summed before this commit, the page shows it stale
