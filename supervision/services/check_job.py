"""The compliance check as a job the portal's progress component shows: one slot per range of a
company's account ids (about SLOT_SIZE statements), each reading its statements, ledger and refunds
in a fixed number of queries and writing only its findings (supervision's own table).

Registered when Django starts (supervision.apps), so every process running jobs knows the kind."""

import datetime
import math

from django.db import transaction
from django.db.models import Count, Max, Min
from django.utils import timezone

from heating.models import Account, Job, Organisation, Statement
from heating.selectors.lowincome import mask_name
from heating.selectors.policy import policy_for_season
from heating.services.jobs import job_finished, job_handler, job_start
from supervision.models import ComplianceCheck, Finding
from supervision.selectors.check import Slot, issued_statements, refund_candidates, statement_candidates

KIND = "compliance_check"
SLOT_SIZE = 50_000


def check_slots(company, start_year: int) -> list[tuple[dict, int]]:
    """(payload, size) of the slots: each company's issued statements of the season cut into ranges
    of account ids of about SLOT_SIZE statements (one query)."""
    rows = Statement.objects.filter(season_year=start_year, status=Statement.Status.ISSUED)
    if company is not None:
        rows = rows.filter(account__company=company)
    spans = (
        rows.values("account__company_id")
        .annotate(lo=Min("account_id"), hi=Max("account_id"), n=Count("id"))
        .order_by("account__company_id")
    )
    slots = []
    for span in spans:
        parts = math.ceil(span["n"] / SLOT_SIZE)
        step = math.ceil((span["hi"] - span["lo"] + 1) / parts)
        for i in range(parts):
            size = span["n"] // parts + (1 if i < span["n"] % parts else 0)
            lo = span["lo"] + i * step
            payload = {"company": span["account__company_id"], "lo": lo, "hi": lo + step}
            slots.append((payload, size))
    return slots


@transaction.atomic
def check_start(
    *, bureau: Organisation, company: Organisation | None, start_year: int, deadline: datetime.date, user
) -> ComplianceCheck:
    """Queue a check of the season (one company, or every company when None). The job belongs to the
    bureau; JobActive when the same check is already queued or running."""
    policy_for_season(start_year)  # NoPolicyInForce: nothing published to check against
    params = {
        "company": company.pk if company else None,
        "season": start_year,
        "deadline": deadline.isoformat(),
    }
    job = job_start(
        kind=KIND, company=bureau, user=user, params=params, slots=check_slots(company, start_year)
    )
    return ComplianceCheck.objects.create(
        bureau=bureau,
        company=company,
        season_year=start_year,
        refund_deadline=deadline,
        as_of=timezone.localdate(),
        job=job,
        started_by=user,
    )


@job_handler(KIND)
def check_slot(job: Job, payload: dict) -> dict:
    check = ComplianceCheck.objects.get(job=job)
    slot = Slot(payload["company"], check.season_year, payload["lo"], payload["hi"])
    terms = policy_for_season(check.season_year).terms()
    found = statement_candidates(slot, terms)
    found += refund_candidates(slot, check.refund_deadline, check.as_of)
    holders = dict(
        Account.objects.filter(id__in={c.account_id for c in found}).values_list("id", "customer__name")
    )
    Finding.objects.bulk_create(
        [
            Finding(
                check_run=check,
                company_id=slot.company_id,
                account_id=c.account_id,
                kind=c.kind,
                statement_id=c.statement_id,
                refund_id=c.refund_id,
                holder=mask_name(holders[c.account_id] or ""),
                charged=c.charged,
                allowed=c.allowed,
                excess=c.charged - c.allowed,
            )
            for c in found
        ],
        batch_size=1000,
    )
    return {"statements": issued_statements(slot).count(), "findings": len(found)}


@job_finished(KIND)
def check_done(job: Job) -> None:
    results = job.slots.values_list("result", flat=True)
    ComplianceCheck.objects.filter(job=job).update(
        statements=sum(r.get("statements", 0) for r in results),
        findings_count=sum(r.get("findings", 0) for r in results),
    )
