"""The compliance check finds exactly the violations planted in a generated season, none in a clean
one, and writes nothing to heating's statements, ledger or refunds."""

import datetime

import pytest

from heating.models import Job
from supervision.models import Finding
from tests.factories import CompanyFactory
from tests.settlement.helpers import SEASON

from .helpers import heating_counts, market_bureau, run_check, season

pytestmark = pytest.mark.django_db
Kind = Finding.Kind


def _found(check):
    return {(f.account_id, f.kind) for f in check.findings.all()}


def test_a_clean_season_has_no_findings():
    company = CompanyFactory()
    season(company, plant=False)
    bureau, officer = market_bureau()
    before = heating_counts()
    check = run_check(bureau, officer, company)
    assert check.job.state == Job.State.DONE
    assert check.statements == 7
    assert check.findings_count == 0 and _found(check) == set()
    assert heating_counts() == before


def test_every_planted_violation_is_found_and_nothing_else():
    company = CompanyFactory()
    planted = season(company, plant=True)
    bureau, officer = market_bureau()
    before = heating_counts()
    check = run_check(bureau, officer)  # every company
    assert _found(check) == {
        (planted.fee.id, Kind.FEE_ABOVE_POLICY),
        (planted.prepayment.id, Kind.PREPAYMENT_ABOVE_AREA_FEE),
        (planted.refund.id, Kind.REFUND_OVERDUE),
        (planted.low_income.id, Kind.LOW_INCOME_FULL_RATE),
    }
    assert heating_counts() == before
    assert check.statements == 11 and check.findings_count == 4
    by_kind = {f.kind: f for f in check.findings.all()}
    fee = by_kind[Kind.FEE_ABOVE_POLICY]
    assert (fee.charged, fee.allowed, fee.excess) == (fee.allowed + 200, fee.allowed, 200)
    prepayment = by_kind[Kind.PREPAYMENT_ABOVE_AREA_FEE]
    assert (prepayment.charged, prepayment.allowed) == (1980, 1680)
    low = by_kind[Kind.LOW_INCOME_FULL_RATE]
    assert (low.charged, low.allowed) == (1680, 1260)
    assert by_kind[Kind.REFUND_OVERDUE].charged == 2500 - 1680
    assert "*" in fee.holder or len(fee.holder) <= 1


def test_an_open_refund_is_not_overdue_before_the_deadline():
    company = CompanyFactory()
    planted = season(company, plant=True)
    bureau, officer = market_bureau()
    check = run_check(bureau, officer, company, deadline=datetime.date.today() + datetime.timedelta(days=30))
    assert (planted.refund.id, Kind.REFUND_OVERDUE) not in _found(check)


def test_another_company_is_left_out():
    company, other = CompanyFactory(), CompanyFactory()
    season(company, plant=True)
    season(other, plant=False)
    bureau, officer = market_bureau()
    check = run_check(bureau, officer, other)
    assert check.findings_count == 0 and check.season_year == SEASON
