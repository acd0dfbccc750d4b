"""Who sees which claim (one selector), and each organisation's queue of claims awaiting it."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import Http404

from heating.models import Role
from subsidy.selectors.claims import awaiting, claim_for, visible_claims
from subsidy.services.claims import (
    claim_adjust_cost,
    claim_create,
    claim_funds_check,
    claim_return,
    claim_review_approve,
)
from tests.factories import CustomerFactory, MembershipFactory, UserFactory

from .helpers import SEASON, approved, paid, reviewed, submitted

pytestmark = pytest.mark.django_db


@pytest.fixture
def claims(manager, other_manager):
    return claim_create(user=manager, start_year=SEASON), claim_create(user=other_manager, start_year=SEASON)


def test_company_staff_see_their_own_companys_claims_only(claims, manager, clerk, other_manager):
    mine, theirs = claims

    assert list(visible_claims(manager)) == list(visible_claims(clerk)) == [mine]
    assert list(visible_claims(other_manager)) == [theirs]


def test_another_companys_claim_is_a_404_exactly_like_a_missing_one(claims, clerk):
    mine, theirs = claims

    assert claim_for(clerk, mine.id) == mine
    for claim_id in (theirs.id, theirs.id + 1000):
        with pytest.raises(Http404):
            claim_for(clerk, claim_id)


@pytest.mark.parametrize("code", ["CZJ", "ZJJ", "FGJ", "SJJ"])
def test_bureaus_with_a_subsidy_duty_see_every_claim(claims, officer, code):
    assert set(visible_claims(officer[code])) == set(claims)


@pytest.mark.parametrize("code", ["JTJ", "RSJ", "MZJ", "SCJGJ"])
def test_bureaus_without_a_subsidy_duty_see_none(claims, officer, code):
    assert not visible_claims(officer[code]).exists()
    with pytest.raises(Http404):
        claim_for(officer[code], claims[0].id)


def test_residents_and_strangers_see_none(claims, company):
    resident = UserFactory()
    CustomerFactory(company=company, user=resident)

    for user in (resident, UserFactory(), AnonymousUser()):
        assert not visible_claims(user).exists()


def test_the_visible_claims_take_the_same_queries_however_many_claims_there_are(
    manager, officer, other_company, django_assert_num_queries
):
    for season in (2019, 2020, 2021):
        claim_create(user=manager, start_year=season)
    with django_assert_num_queries(2):  # the user's duties, then the claims
        assert len(list(visible_claims(officer["SJJ"]))) == 3


def queue(user):
    return list(awaiting(user))


def test_each_organisation_sees_the_claims_awaiting_its_step(manager, officer, other_manager):
    draft = claim_create(user=other_manager, start_year=SEASON)
    claim = submitted(manager)
    assert queue(manager) == []
    assert queue(other_manager) == [draft]
    assert [queue(officer[code]) for code in ("ZJJ", "FGJ", "SJJ", "CZJ", "MZJ")] == [[claim]] * 3 + [[], []]

    claim_review_approve(user=officer["ZJJ"], claim_id=claim.id)
    assert (queue(officer["ZJJ"]), queue(officer["FGJ"])) == ([], [claim])

    claim_adjust_cost(
        user=officer["FGJ"], claim_id=claim.id, category="fuel", amount="14000", reason="发票不足"
    )
    assert queue(officer["ZJJ"]) == [claim]  # its review was re-opened

    claim_return(user=officer["FGJ"], claim_id=claim.id, reason="缺材料")
    assert queue(manager) == [claim]
    assert [queue(officer[code]) for code in ("ZJJ", "FGJ", "SJJ", "CZJ")] == [[]] * 4


def test_finance_sees_reviewed_and_approved_claims_and_the_fund_auditors_paid_ones(manager, officer, company):
    claim = reviewed(manager, officer)
    assert queue(officer["CZJ"]) == [claim]
    assert queue(officer["SJJ"]) == []

    claim = paid(MembershipFactory(role=Role.MANAGER).user, officer, season=2020)
    assert [c.season_year for c in queue(officer["SJJ"])] == [2020]
    claim_funds_check(user=officer["SJJ"], claim_id=claim.id, sound=True)
    assert queue(officer["SJJ"]) == []
    assert [c.season_year for c in queue(officer["CZJ"])] == [2019, 2020]  # finance has not checked it


def test_an_approved_claim_waits_for_finance_to_pay_it(manager, officer):
    claim = approved(manager, officer)

    assert queue(officer["CZJ"]) == [claim]


@pytest.mark.parametrize("code", ["ZJJ", "FGJ", "SJJ"])
def test_a_queue_takes_the_same_queries_however_many_claims_wait(officer, code, django_assert_num_queries):
    for season in (2019, 2020, 2021):
        submitted(MembershipFactory(role=Role.MANAGER).user, season=season)

    # The user's company, the user's duties, then the claims with their companies.
    with django_assert_num_queries(3):
        waiting = [claim.company.code for claim in awaiting(officer[code])]
    assert len(waiting) == 3
