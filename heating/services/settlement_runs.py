"""A season's settlement as a job a manager can watch (heating.services.jobs): one slot per chunk of
the company's accounts, shared by the workers; each slot is `season_settle` over its chunk, in the
slot's own transaction, so a worker killed mid-chunk leaves nothing of it and the chunk is redone."""
from heating.batching import chunks
from heating.models import Account, Job
from heating.selectors.policy import policy_for_season
from heating.services.jobs import job_handler, job_start

from .settlement import (
    SettleException,
    SettleResult,
    season_over_or_refuse,
    season_settle,
    settle_permitted_or_refuse,
)

KIND = "season_settle"
# Accounts per slot: one set-based statement each, so planning it is paid once per 5000 accounts.
CHUNK = 5000


def settlement_params(start_year: int) -> dict:
    return {"season": start_year}


def settlement_start(*, company, start_year: int, user=None) -> Job:
    """Queue the settlement of the company's season; refused in words before its last day, without a
    policy, or for anyone but the company's manager. JobActive when one is already queued or running."""
    settle_permitted_or_refuse(user, company)
    season_over_or_refuse(start_year)
    policy_for_season(start_year)
    ids = list(Account.objects.filter(company=company).order_by("id").values_list("id", flat=True))
    slots = [({"accounts": list(chunk)}, len(chunk)) for chunk in chunks(ids, CHUNK)]
    return job_start(kind=KIND, company=company, user=user, params=settlement_params(start_year), slots=slots)


@job_handler(KIND)
def settlement_slot(job: Job, payload: dict) -> dict:
    result = season_settle(
        company=job.company,
        start_year=job.params["season"],
        user=job.started_by,
        account_ids=payload["accounts"],
    )
    return {
        "issued": result.issued,
        "unchanged": result.unchanged,
        "exceptions": [[e.account_id, e.number, e.reason] for e in result.exceptions],
    }


def settlement_result(job: Job) -> SettleResult:
    """The counts and exceptions of a settlement job's finished slots."""
    total = SettleResult()
    for result in job.slots.exclude(result={}).values_list("result", flat=True):
        total.add(
            SettleResult(
                issued=result["issued"],
                unchanged=result["unchanged"],
                exceptions=[SettleException(*row) for row in result["exceptions"]],
            )
        )
    return total
