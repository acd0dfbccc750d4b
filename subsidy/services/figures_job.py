"""The loss totals of a company's season as a job the portal's progress component shows: the slot sums
the season's current statements into a new SeasonTotals snapshot (heating's, the one a claim names) and
keeps every term of POLICY.md §8 computed from it as the slot's result.

Registered when Django starts (subsidy.apps), so that every process running jobs — Celery workers,
`manage.py run_job`, the web process starting one — knows the kind without heating importing subsidy."""

from heating.models import Job, SeasonTotals
from heating.services.jobs import job_handler, job_start
from heating.services.season_totals import season_totals_record
from subsidy.formula import ClaimFigures
from subsidy.selectors.figures import claim_figures_of

KIND = "subsidy_figures"


def figures_params(start_year: int) -> dict:
    return {"season": start_year}


def figures_start(company, start_year: int, user=None) -> Job:
    """Queue the loss totals of the company's season. JobActive when one is already queued or running."""
    return job_start(
        kind=KIND, company=company, user=user, params=figures_params(start_year), slots=[({}, 1)]
    )


@job_handler(KIND)
def figures_slot(job: Job, payload: dict) -> dict:
    totals = season_totals_record(
        company=job.company, start_year=job.params["season"], user=job.started_by, job=job
    )
    return {"totals": totals.pk, "figures": claim_figures_of(totals).as_json()}


def figures_result(job: Job) -> tuple[SeasonTotals, ClaimFigures] | None:
    """The totals a done job recorded and the figures computed from them now; None unless done."""
    if job.state != Job.State.DONE:
        return None
    totals = SeasonTotals.objects.select_related("company").get(job=job)
    return totals, claim_figures_of(totals)
