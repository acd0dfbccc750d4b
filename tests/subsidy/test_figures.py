"""A company's season figures (subsidy.selectors.figures) from its current statements, its declared
cost and the fees recorded: POLICY.md §9 example 11 settled for real, exceptions at their prepayment,
superseded statements left out, a fixed number of queries; and the job that keeps them."""

import os
import subprocess
import sys
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from heating.models import Job, LedgerEntry, Role, SeasonTotals
from heating.services.jobs import JobActive, job_run
from subsidy.formula import ClaimInputs, claim_compute
from subsidy.selectors.figures import claim_figures, claim_figures_of
from subsidy.services.figures_job import KIND, figures_result, figures_start
from tests.factories import (
    AccountFactory,
    CompanyFactory,
    LowIncomeCertificateFactory,
    MembershipFactory,
    make_account,
)
from tests.settlement.helpers import SEASON, pay, settle
from tests.settlement.test_season_totals import household_without_discount, varied

from .helpers import declare, example_11_accounts, manager_of, return_fees
from .test_formula import EXAMPLE_11_FIGURES

pytestmark = pytest.mark.django_db
D = Decimal


def example_11(company):
    """POLICY.md §9 accounts #3, #5, #6 and #7, each paid its prepayment, settled."""
    example_11_accounts(company)
    settle(company)


def test_example_11_settled_gives_its_claim_exactly():
    company = CompanyFactory()
    example_11(company)
    declare(company, SEASON, "26000.00")
    return_fees(company, SEASON, "1000.00")
    other = CompanyFactory()  # another company's statements, cost and fees count for nothing here
    example_11(other)
    declare(other, SEASON, "99999.00")
    return_fees(other, SEASON, "5.00")
    declare(company, SEASON + 1, "1.00")

    assert claim_figures(company, SEASON).as_json() == EXAMPLE_11_FIGURES


def test_an_exception_counts_at_its_prepayment():
    company = CompanyFactory()
    example_11(company)
    bare = AccountFactory(company=company)
    LedgerEntry.objects.create(
        account=bare, season_year=SEASON, kind=LedgerEntry.Kind.PREPAYMENT_DUE, amount=D("1234.56")
    )
    declare(company, SEASON, "26000.00")
    return_fees(company, SEASON, "1000.00")

    figures = claim_figures(company, SEASON)

    assert (figures.exceptions, figures.revenue) == (1, D("22409.56"))
    assert figures.actual_loss == D("3590.44") and figures.claim == D("3090.44")


def test_no_cost_declared_is_no_claim():
    company = CompanyFactory()
    example_11(company)
    figures = claim_figures(company, SEASON)
    assert (figures.cost, figures.actual_loss, figures.claim) == (D("0.00"), D("0.00"), D("0.00"))
    assert figures.revenue == D("21175.00")


def test_a_re_settlement_changes_the_figures_and_superseded_statements_do_not_count():
    company = CompanyFactory()
    varied(company)
    settle(company)
    declare(company, SEASON, "60000.00")
    before = claim_figures(company, SEASON)

    LowIncomeCertificateFactory(account=household_without_discount(company))
    settle(company)
    after = claim_figures(company, SEASON)

    assert after.hardship > before.hardship
    assert after.revenue == before.revenue - (after.hardship - before.hardship)
    assert after == claim_compute(
        ClaimInputs(
            **{
                t: getattr(after, t)
                for t in ("revenue", "hardship", "cap", "area", "res_area", "res_revenue")
            },
            cost=D("60000.00"),
            connection_fees=D("0.00"),
            exceptions=1,
        )
    )


def test_the_query_count_is_fixed_whatever_the_accounts():
    counts = []
    for size in (1, 5):
        company = CompanyFactory()
        for _ in range(size):
            varied(company)
        settle(company)
        declare(company, SEASON, "1000000.00")
        return_fees(company, SEASON, "10.00")
        return_fees(company, SEASON, "20.00")
        with CaptureQueriesContext(connection) as queries:
            claim_figures(company, SEASON)
        counts.append(len(queries))
    assert counts[0] == counts[1] == 13


def test_the_job_records_the_totals_and_the_figures_and_shows_progress():
    company = CompanyFactory()
    example_11(company)
    declare(company, SEASON, "26000.00")
    return_fees(company, SEASON, "1000.00")
    manager = MembershipFactory(organisation=company, role=Role.MANAGER).user

    job = figures_start(company, SEASON, manager)
    assert (job.kind, job.state, job.done, job.total) == (KIND, Job.State.QUEUED, 0, 1)
    assert figures_result(job) is None
    with pytest.raises(JobActive):
        figures_start(company, SEASON, manager)

    job = job_run(job.pk)

    assert (job.state, job.done, job.total) == (Job.State.DONE, 1, 1)
    assert job.slots.get().result["figures"] == EXAMPLE_11_FIGURES
    totals, figures = figures_result(job)
    assert totals == SeasonTotals.objects.get(company=company, job=job)
    assert totals.computed_by == manager
    assert figures.as_json() == EXAMPLE_11_FIGURES


def test_figures_of_a_snapshot_keep_its_statements_but_follow_the_cost():
    company = CompanyFactory()
    example_11(company)
    declare(company, SEASON, "26000.00")
    return_fees(company, SEASON, "1000.00")
    totals = SeasonTotals.objects.get(job=job_run(figures_start(company, SEASON).pk))

    pay(make_account(company=company, area="80.00"), "1680.00")
    settle(company)  # a new statement after the snapshot
    declare(company, SEASON, "30000.00", manager_of(company))

    figures = claim_figures_of(totals)
    assert figures.revenue == D("21175.00")  # the snapshot's statements
    assert figures.cost == D("30000.00") and figures.claim == figures.with_cost(D("30000.00")).claim
    assert claim_figures(company, SEASON).revenue == D("22855.00")


def test_every_process_that_starts_django_knows_the_job_kind():
    """Workers and `manage.py run_job` import heating's tasks, never subsidy: subsidy registers its
    handler when Django starts (SubsidyConfig.ready)."""
    code = (
        "import django; django.setup(); from heating.services.jobs import HANDLERS; "
        f"print({KIND!r} in HANDLERS)"
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.test_settings"}
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True)
    assert done.stdout.strip() == "True"


def test_figures_of_a_snapshot_take_two_queries():
    company = CompanyFactory()
    example_11(company)
    declare(company, SEASON, "26000.00")
    totals = SeasonTotals.objects.get(job=job_run(figures_start(company, SEASON).pk))
    totals = SeasonTotals.objects.get(pk=totals.pk)
    with CaptureQueriesContext(connection) as queries:
        claim_figures_of(totals)
    assert len(queries) == 2
