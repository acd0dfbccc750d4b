"""A company's season totals (POLICY.md §8's statement-borne terms) equal the sums over its current
statements computed in Python, in a fixed number of queries, exact to the fen on SQLite too; a job
keeps them as snapshots, after every settlement job as well, and they show when they are stale."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from heating.models import Account, Job, LedgerEntry, PricePolicy, Role, SeasonTotals, Statement
from heating.selectors.season_totals import season_totals_compute, season_totals_latest, season_totals_stale
from heating.services.jobs import job_run
from heating.services.season_totals import season_totals_record, season_totals_start
from heating.services.settlement_runs import settlement_start
from tests.factories import (
    AccountFactory,
    CompanyFactory,
    LowIncomeCertificateFactory,
    MembershipFactory,
    make_account,
)

from .helpers import SEASON, pay, season_readings, settle

pytestmark = pytest.mark.django_db
D = Decimal
RESIDENTIAL_PRICE = {"residential", "institution"}


def varied(company):
    """Households by area and metered (one past its cap), a low-income one, an institution and a
    non-residential building, all paid; and an account with no facts, charged its prepayment."""
    pay(make_account(company=company), "1680.00")
    capped = make_account(company=company, metered=True, area="100.00")
    season_readings(capped, "100.000000", "200.000000")  # 100 GJ: metered fee over the cap
    pay(capped, "2100.00")
    modest = make_account(company=company, metered=True, area="90.50")
    season_readings(modest, "10.000000", "25.500000")
    pay(modest, "3000.00")
    poor = make_account(company=company, area="75.25")
    LowIncomeCertificateFactory(account=poor)
    make_account(company=company, area="500.00", price_class="institution", institution_approved=True)
    pay(make_account(company=company, area="320.00", price_class="non_residential"), "9000.00")
    bare = AccountFactory(company=company)
    LedgerEntry.objects.create(
        account=bare, season_year=SEASON, kind=LedgerEntry.Kind.PREPAYMENT_DUE, amount=D("1234.56")
    )
    return bare


def expected(company, exceptions_prepayment):
    current = list(
        Statement.objects.filter(account__company=company, season_year=SEASON, status="issued")
    )
    res = [s for s in current if s.inputs["price_class"] in RESIDENTIAL_PRICE]
    by_class = {}
    for s in current:
        methods = by_class.setdefault(s.inputs["price_class"], {})
        methods[s.inputs["method"]] = methods.get(s.inputs["method"], 0) + 1
    return {
        "statements": len(current),
        "last_statement_id": max(s.id for s in current),
        "exceptions": 1,
        "exceptions_prepayment": exceptions_prepayment,
        "revenue": sum(s.amount_due for s in current) + exceptions_prepayment,
        "hardship": sum(s.low_income_discount for s in current),
        "cap": sum(s.cap_loss for s in current),
        "area": sum(s.billing_area for s in current),
        "res_area": sum(s.billing_area for s in res),
        "res_revenue": sum(s.amount_due + s.low_income_discount + s.cap_loss for s in res),
        "refunds": sum(s.refund for s in current),
        "supplements": sum(s.balance_due for s in current),
        "accounts_by_class": by_class,
    }


def household_without_discount(company):
    return Account.objects.filter(
        company=company, statements__inputs__price_class="residential", statements__low_income_discount=0
    ).first()


@pytest.fixture
def company():
    company = CompanyFactory()
    varied(company)
    settle(company)
    return company


def test_the_totals_are_the_sums_of_the_current_statements(company):
    other = CompanyFactory()
    varied(other)
    settle(other)

    totals = season_totals_compute(company, SEASON)

    assert totals == expected(company, D("1234.56"))
    # The fixture reaches every term: a cap loss, a low-income discount, each class, both methods.
    assert totals["cap"] > 0 and totals["hardship"] > 0 and totals["refunds"] > 0
    assert totals["res_area"] < totals["area"] and totals["res_revenue"] > 0
    assert set(totals["accounts_by_class"]) == {"residential", "institution", "non_residential"}
    assert totals["accounts_by_class"]["residential"] == {"area": 2, "metered": 2}


def test_superseded_statements_are_not_counted(company):
    poorer = household_without_discount(company)
    LowIncomeCertificateFactory(account=poorer)
    settle(company)
    assert Statement.objects.filter(account=poorer, status="superseded").count() == 1

    totals = season_totals_compute(company, SEASON)

    assert totals == expected(company, D("1234.56"))
    assert totals["statements"] == 6


def test_an_account_not_settled_counts_at_its_prepayment_with_its_billing_area(company):
    """§8: a metered household with no readings cannot settle; it counts at the engine's prepayment
    (by area, §四: 80 m² × ¥21.00) in revenue and in the residential-price sums, with its area."""
    waiting = make_account(company=company, metered=True, area="80.00")
    settle(company)
    assert not Statement.objects.filter(account=waiting).exists()

    totals = season_totals_compute(company, SEASON)

    settled = expected(company, D("1234.56"))
    assert totals["exceptions"] == 2
    assert totals["exceptions_prepayment"] == D("1234.56") + D("1680.00")
    assert totals["revenue"] == settled["revenue"] + D("1680.00")
    assert totals["area"] == settled["area"] + D("80.00")
    assert totals["res_area"] == settled["res_area"] + D("80.00")
    assert totals["res_revenue"] == settled["res_revenue"] + D("1680.00")
    assert totals["hardship"] == settled["hardship"] and totals["cap"] == settled["cap"]


def test_the_query_count_does_not_grow_with_the_accounts():
    counts = []
    for size in (1, 6):
        company = CompanyFactory()
        for _ in range(size):
            varied(company)
        settle(company)
        with CaptureQueriesContext(connection) as queries:
            season_totals_compute(company, SEASON)
        counts.append(len(queries))
    assert counts[0] == counts[1] <= 11


def test_sums_of_many_cents_are_exact():
    """0.10 + 0.20 is not 0.30 in binary floating point, SQLite's SUM over decimals: the sums are
    rounded back to the cents every summand holds."""
    company = CompanyFactory()
    policy = PricePolicy.objects.first()
    zero = D("0.00")
    rows = []
    for i in range(300):
        amount = D("0.10") if i % 2 else D("0.20")
        account = AccountFactory(company=company)
        rows.append(
            Statement(
                account=account, season_year=SEASON, version=1, policy=policy,
                inputs={"price_class": "residential", "method": "area"}, billing_area=D("0.01"),
                cap_loss=amount, heating_fee=amount, exchanger_fee=zero, gross_fee=amount,
                low_income_discount=amount, amount_due=amount, prepayment=amount, refund=amount,
                balance_due=zero,
            )
        )
    Statement.objects.bulk_create(rows)

    totals = season_totals_compute(company, SEASON)

    assert totals["revenue"] == totals["cap"] == totals["hardship"] == D("45.00")
    assert totals["res_revenue"] == D("135.00") and totals["area"] == D("3.00")
    assert str(totals["revenue"]) == "45.00"


def test_the_job_computes_and_stores_a_snapshot_and_the_latest_wins(company):
    manager = MembershipFactory(organisation=company, role=Role.MANAGER).user
    first = season_totals_record(company=company, start_year=SEASON)

    job = job_run(season_totals_start(company, SEASON, manager).pk)

    assert job.state == Job.State.DONE
    latest = season_totals_latest(company, SEASON)
    assert latest.pk > first.pk and (latest.job, latest.computed_by) == (job, manager)
    values = {name: getattr(latest, name) for name in expected(company, D("1234.56"))}
    assert values == expected(company, D("1234.56"))
    assert SeasonTotals.objects.filter(company=company).count() == 2


def test_a_settlement_job_sums_the_season_when_it_is_done():
    company = CompanyFactory()
    varied(company)
    manager = MembershipFactory(organisation=company, role=Role.MANAGER).user

    job_run(settlement_start(company=company, start_year=SEASON, user=manager).pk)

    summing = Job.objects.get(company=company, kind="season_totals")
    assert (summing.params, summing.started_by) == ({"season": SEASON}, manager)
    job_run(summing.pk)
    assert season_totals_latest(company, SEASON).statements == 6


def test_totals_are_stale_once_a_statement_is_issued_after_them(company):
    totals = season_totals_record(company=company, start_year=SEASON)
    assert not season_totals_stale(totals)
    other = CompanyFactory()
    varied(other)
    settle(other)
    assert not season_totals_stale(totals)  # another company's statements do not matter

    LowIncomeCertificateFactory(account=household_without_discount(company))
    settle(company)

    assert season_totals_stale(totals)
    assert not season_totals_stale(season_totals_record(company=company, start_year=SEASON))
