"""Price what-ifs: a settled season re-billed under one or two policies as a job of account chunks
(heating.services.jobs, so its progress shows and workers share it), then summed once: the change per
household, who pays more or less, each company's revenue and its subsidy claim (POLICY.md §8) before
and after, with the same declared costs and returned fees. Nothing is issued, nothing enters the
ledger, no claim is touched: the chunks only read.

The job belongs to the bureau that runs the what-if (a job is an organisation's: a company's staff
never see it). Registered when Django starts (subsidy.apps), like the figures job."""

import math
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from heating.models import Account, Job, Organisation
from heating.models.policy import season_days
from heating.selectors.lowincome import mask_name, mask_number
from heating.selectors.season_totals import season_accounts_unsettled, unsettled_at_prepayment
from heating.services.jobs import job_finished, job_handler, job_start
from subsidy.formula import ClaimInputs, claim_compute
from subsidy.models import WhatIf
from subsidy.selectors.costs import connection_fees_total
from subsidy.selectors.figures import declared_cost
from subsidy.selectors.whatif import TERMS, account_ranges, chunk_summaries, summaries_merge

KIND = "price_whatif"
# Bars of the histogram of the change per household, at most.
BINS = 20
ZERO = Decimal("0.00")


class WhatIfRefused(Exception):
    """Why a what-if cannot run, in words."""


def _money(value: Decimal) -> str:
    return f"{value:.2f}"


def _season_or_refuse(start_year: int, ranges) -> None:
    if timezone.localdate() <= season_days(start_year)[1] or not ranges:
        raise WhatIfRefused(_("只能测算已经结束并已结算的供暖季。"))


def whatif_start(*, season_year: int, policies, bureau, user=None) -> WhatIf:
    """Record the what-if and queue its job (one slot per chunk of settled accounts)."""
    ranges = account_ranges(season_year)
    _season_or_refuse(season_year, ranges)
    with transaction.atomic():
        whatif = WhatIf.objects.create(
            season_year=season_year,
            policy=policies[0],
            other_policy=policies[1] if len(policies) > 1 else None,
            bureau=bureau,
            requested_by=user,
        )
        whatif.job = job_start(
            kind=KIND,
            company=bureau,
            user=user,
            params={"whatif": whatif.pk},
            slots=[({"first": first, "last": last}, count) for first, last, count in ranges],
        )
        whatif.save(update_fields=["job"])
    return whatif


@job_handler(KIND)
def whatif_slot(job: Job, payload: dict) -> dict:
    whatif = WhatIf.objects.select_related("policy", "other_policy").get(pk=job.params["whatif"])
    terms = [policy.terms() for policy in whatif.policies]
    return {"summaries": chunk_summaries(whatif.season_year, payload["first"], payload["last"], terms)}


@job_finished(KIND)
def whatif_finish(job: Job) -> None:
    whatif = WhatIf.objects.select_related("policy", "other_policy").get(pk=job.params["whatif"])
    results = list(job.slots.order_by("index").values_list("result", flat=True))
    per_policy = [summaries_merge(r["summaries"][i] for r in results) for i in range(len(whatif.policies))]
    whatif.result = whatif_result(whatif.season_year, whatif.policies, per_policy)
    whatif.save(update_fields=["result"])


def whatif_compute(season_year: int, policies) -> dict:
    """The same what-if in this process, chunk after chunk (manage.py whatif)."""
    ranges = account_ranges(season_year)
    _season_or_refuse(season_year, ranges)
    terms = [policy.terms() for policy in policies]
    parts = []
    for first, last, _count in ranges:
        with transaction.atomic():
            parts.append(chunk_summaries(season_year, first, last, terms))
    per_policy = [summaries_merge(part[i] for part in parts) for i in range(len(policies))]
    return whatif_result(season_year, policies, per_policy)


def _histogram(counts: dict[str, int]) -> list[dict]:
    """Whole-yuan counts as at most BINS bars of equal width (in yuan): [low, high)."""
    if not counts:
        return []
    keys = sorted(int(k) for k in counts)
    low, high = keys[0], keys[-1] + 1
    width = max(1, math.ceil((high - low) / BINS))
    bars = [
        {"low": low + i * width, "high": low + (i + 1) * width, "count": 0}
        for i in range(math.ceil((high - low) / width))
    ]
    for key, count in counts.items():
        bars[(int(key) - low) // width]["count"] += count
    return bars


def _claims(season_year: int, company_ids) -> dict[int, tuple[ClaimInputs, dict]]:
    """Per company, §8's inputs other than the statement-borne sums: the declared cost, the returned
    fees, and the accounts not settled (at their prepayment, as in the claim itself)."""
    out = {}
    for company_id in company_ids:
        unsettled = unsettled_at_prepayment(season_accounts_unsettled(company_id, season_year), season_year)
        out[company_id] = (
            declared_cost(company_id, season_year),
            connection_fees_total(company_id, season_year),
            unsettled,
        )
    return out


def _claim(sums: dict[str, str], cost, fees, unsettled) -> Decimal:
    terms = {name: Decimal(sums.get(name, "0.00")) for name in TERMS}
    terms["revenue"] += unsettled["prepayment"]
    for name in ("area", "res_area", "res_revenue"):
        terms[name] += unsettled[name]
    return claim_compute(
        ClaimInputs(**terms, cost=cost, connection_fees=fees, exceptions=unsettled["accounts"])
    ).claim


def _households(rows) -> list[dict]:
    """The most affected accounts, masked: name, address and number are hints, never identities."""
    accounts = Account.objects.select_related("company", "customer", "premises__building").in_bulk(
        [row[0] for row in rows]
    )
    out = []
    for account_id, change, before, after in rows:
        account = accounts[account_id]
        building = account.premises.building
        out.append(
            {
                "company": account.company.name,
                "number": mask_number(account.number),
                "name": mask_name(account.customer.name) if account.customer else "",
                "address": f"{building.name} **" if building else "**",
                "before": before,
                "after": after,
                "change": change,
            }
        )
    return out


def whatif_result(season_year: int, policies, per_policy: list[dict]) -> dict:
    """What the page, the exports and the command show, per policy (JSON, money as two-decimal text)."""
    company_ids = sorted({int(k) for summary in per_policy for k in summary["companies"]})
    names = Organisation.objects.in_bulk(company_ids)
    context = _claims(season_year, company_ids)
    out = []
    for policy, summary in zip(policies, per_policy, strict=True):
        companies, county = (
            [],
            dict.fromkeys(("revenue_before", "revenue_after", "claim_before", "claim_after"), ZERO),
        )
        for company_id in company_ids:
            figures = summary["companies"].get(str(company_id), {"accounts": 0, "before": {}, "after": {}})
            cost, fees, unsettled = context[company_id]
            row = {
                "revenue_before": Decimal(figures["before"].get("revenue", "0.00")),
                "revenue_after": Decimal(figures["after"].get("revenue", "0.00")),
                "claim_before": _claim(figures["before"], cost, fees, unsettled),
                "claim_after": _claim(figures["after"], cost, fees, unsettled),
            }
            for key, value in row.items():
                county[key] += value
            companies.append(
                {
                    "code": names[company_id].code,
                    "name": names[company_id].name,
                    "accounts": figures["accounts"],
                    **{key: _money(value) for key, value in row.items()},
                }
            )
        groups = [
            {
                "price_class": key.split("|")[0],
                "method": key.split("|")[1],
                "more": c[0],
                "less": c[1],
                "same": c[2],
            }
            for key, c in sorted(summary["groups"].items())
        ]
        out.append(
            {
                "policy": {"id": policy.pk, "code": policy.code, "title": policy.title},
                "accounts": summary["accounts"],
                "more": sum(g["more"] for g in groups),
                "less": sum(g["less"] for g in groups),
                "same": sum(g["same"] for g in groups),
                "histogram": _histogram(summary["histogram"]),
                "groups": groups,
                "companies": companies,
                "county": {"accounts": summary["accounts"], **{k: _money(v) for k, v in county.items()}},
                "top": _households(summary["top"]),
            }
        )
    return {"season": season_year, "policies": out}
