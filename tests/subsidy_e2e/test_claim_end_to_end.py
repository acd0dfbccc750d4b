"""A claim from a really settled season to its payment, with no stand-in figures: five accounts (four
settled, one left unsettled), the totals job, the company's costs and the returned connection fees,
three reviews (one adjusting a cost item), the finance bureau's approval and payment. The amount paid
is checked against POLICY.md §8 worked by hand below."""

import datetime
from decimal import Decimal

import pytest

from heating.demo.county import BUREAUS
from heating.models import Role
from heating.services.jobs import job_run
from subsidy.services.claims import claim_approve, claim_create, claim_pay, claim_review_approve, claim_submit
from subsidy.services.costs import cost_declare
from subsidy.services.figures_job import figures_result, figures_start
from subsidy.services.review import claim_review_record
from tests.factories import (
    BureauFactory,
    CompanyFactory,
    MembershipFactory,
    make_account,
)
from tests.settlement.helpers import SEASON, pay, settle
from tests.subsidy.helpers import costs, example_11_accounts, return_fees

pytestmark = pytest.mark.django_db
D = Decimal

# The accounts' statements (POLICY.md §9 examples 3, 5, 6, 7) and the one left unsettled (example 1):
#   account               class            billing area   amount due   discount   cap loss
#   metered, Q 20 GJ      residential         100.00         900.00        0.00       0.00
#   metered, Q 60 GJ      residential         100.00        2100.00        0.00     600.00
#   metered, Q 20 GJ, 低保 residential         100.00         675.00      225.00       0.00
#   area-billed           non_residential     500.00       17500.00        0.00       0.00
#   area-billed, unsettled residential          80.00   (prepayment 1680.00, counted as its amount due)
# Cost declared 31000.00 (fuel 20000.00), fuel adjusted by a reviewer to 17000.00 → cost 28000.00.
# Connection fees returned for the season: 1000.00.
#
#   revenue     = 900 + 2100 + 675 + 17500 + 1680                 = 22855.00
#   hardship    = 225.00;  cap = 600.00
#   area        = 100 + 100 + 100 + 500 + 80 = 880;  res_area = 100 + 100 + 100 + 80 = 380
#   res_revenue = (900) + (2100 + 600) + (675 + 225) + 1680        = 6180.00
#   res_cost    = round(28000 × 380 ÷ 880) = round(12090.9090…)    = 12090.91
#   inversion   = max(0, 12090.91 − 6180.00)                       = 5910.91
#   eligible    = 225.00 + 600.00 + 5910.91                        = 6735.91
#   actual_loss = max(0, 28000.00 − 22855.00)                      = 5145.00
#   offset      = round(50% × 1000.00)                             = 500.00
#   claim       = max(0, min(6735.91, 5145.00) − 500.00)           = 4645.00
BY_HAND = D("4645.00")


def settled_season(company):
    accounts = example_11_accounts(company)
    pay(make_account(company=company, area="80.00"), "1680.00")  # left unsettled
    settle(company, *accounts)


def officers():
    """The demo county's bureaus, each with its duties and one officer: officer["CZJ"] is finance."""
    return {
        code: MembershipFactory(
            organisation=BureauFactory(code=code, name=name, duties=list(duties)), role=Role.OFFICER
        ).user
        for code, name, duties in BUREAUS
    }


def test_a_settled_season_is_claimed_reviewed_approved_and_paid_for_the_amount_worked_by_hand():
    officer = officers()
    company = CompanyFactory()
    manager = MembershipFactory(organisation=company, role=Role.MANAGER).user
    settled_season(company)

    totals, figures = figures_result(job_run(figures_start(company, SEASON, manager).pk))
    assert (totals.statements, totals.exceptions, totals.exceptions_prepayment) == (4, 1, D("1680.00"))
    assert (totals.revenue, totals.hardship, totals.cap) == (D("22855.00"), D("225.00"), D("600.00"))
    assert (totals.area, totals.res_area, totals.res_revenue) == (D("880.00"), D("380.00"), D("6180.00"))
    assert (figures.revenue, figures.claim) == (D("22855.00"), D("0.00"))  # no cost declared yet

    cost_declare(
        company=company,
        start_year=SEASON,
        user=manager,
        amounts=costs("20000.00", electricity="4000.00", wages="5000.00", other="2000.00"),
    )
    return_fees(company, SEASON, "1000.00", officer["CZJ"])
    claim = claim_submit(user=manager, claim_id=claim_create(user=manager, start_year=SEASON).id)
    assert claim.figures["cost"] == "31000.00"
    assert claim.figures["revenue"] == "22855.00"

    claim_review_record(
        user=officer["FGJ"],
        claim_id=claim.id,
        adjustments=[("fuel", "17000.00", "燃料费按发票核减")],
        comment="核减燃料费",
    )
    claim_review_approve(user=officer["ZJJ"], claim_id=claim.id)
    claim = claim_review_approve(user=officer["SJJ"], claim_id=claim.id)
    assert claim.state == claim.State.REVIEWED
    claim = claim_approve(user=officer["CZJ"], claim_id=claim.id)
    claim = claim_pay(
        user=officer["CZJ"],
        claim_id=claim.id,
        paid_on=datetime.date(2020, 9, 1),
        reference="财拨〔2020〕17号",
    )

    assert claim.state == claim.State.PAID
    assert claim.approved_amount == BY_HAND
    assert claim.figures["cost"] == "28000.00"
    assert (claim.figures["res_cost"], claim.figures["inversion"]) == ("12090.91", "5910.91")
    assert (claim.figures["eligible"], claim.figures["actual_loss"]) == ("6735.91", "5145.00")
    assert (claim.figures["offset"], claim.figures["claim"]) == ("500.00", "4645.00")
