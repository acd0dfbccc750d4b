"""A claim built on statements that a re-settlement superseded says so, and is recomputed into a new
version that re-opens its reviews; its frozen versions never change (POLICY.md §8, §11)."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied

from heating.models import Role
from heating.models.accounts import Decision
from heating.services.decisions import area_decide, certificate_approve
from heating.services.reading_review import reading_correct
from subsidy.models import Claim, ClaimEvent, ClaimReview, ClaimVersion
from subsidy.selectors.claims import claim_is_stale, statements_marker
from subsidy.services.claims import (
    ClaimRefused,
    claim_adjust_cost,
    claim_approve,
    claim_pay,
    claim_recompute,
    claim_review_approve,
)
from tests.factories import LowIncomeCertificateFactory, MembershipFactory, UserFactory, aware, make_account
from tests.settlement.helpers import D, pay, season_readings, settle

from .helpers import REVIEWERS, SEASON, approved, paid, reviewed, submitted

pytestmark = pytest.mark.django_db
State = Claim.State


@pytest.fixture
def metered(company):
    """100 m², metered, 20 GJ × 45 = 900.00 due; and a paid area-billed home (1680.00 due)."""
    account = make_account(area="100.00", metered=True, company=company)
    season_readings(account, "100.000000", "120.000000")
    pay(account, "2100.00")
    home = make_account(company=company)
    pay(home, "1680.00")
    settle(company)
    return account


def resettle_with_a_corrected_reading(company, account):
    closing = account.meters.get().readings.get(read_at=aware(2020, 3, 15, 8))
    reading_correct(reading=closing, user=UserFactory(), value=D("110.000000"), reason="抄错")
    assert settle(company).issued == 1


def test_a_fresh_claim_is_not_stale(metered, manager):
    claim = submitted(manager)

    assert claim.current_version.figures["revenue"] == "2580.00"
    assert not claim_is_stale(claim)


def test_a_resettlement_after_submission_makes_the_claim_stale(metered, company, manager):
    claim = submitted(manager)

    resettle_with_a_corrected_reading(company, metered)

    assert claim_is_stale(Claim.objects.get(pk=claim.pk))


def test_a_first_settlement_of_an_exception_also_makes_it_stale(metered, company, manager):
    claim = submitted(manager)
    late = make_account(company=company)
    pay(late, "1680.00")

    settle(company, late)

    assert claim_is_stale(claim)


def test_a_bureaus_decision_for_the_season_makes_it_stale_before_any_resettlement(
    metered, company, manager, officer
):
    claim = submitted(manager)
    home = company.accounts.exclude(pk=metered.pk).get()
    certificate = LowIncomeCertificateFactory(account=home, status=Decision.PENDING)

    certificate_approve(user=officer["MZJ"], certificate_id=certificate.pk)

    assert claim_is_stale(Claim.objects.get(pk=claim.pk))
    claim = claim_recompute(user=manager, claim_id=claim.pk)
    assert not claim_is_stale(claim)
    area_decide(
        user=officer["ZJJ"],
        account_id=metered.pk,
        from_year=SEASON,
        area="90",
        reference="房管认字1号",
        reason="实测面积",
    )
    assert claim_is_stale(Claim.objects.get(pk=claim.pk))


def test_a_decision_for_a_later_season_or_another_company_does_not(
    metered, company, other_company, manager, officer
):
    claim = submitted(manager)
    area_decide(
        user=officer["ZJJ"],
        account_id=metered.pk,
        from_year=SEASON + 1,
        area="90",
        reference="1号",
        reason="实测",
    )
    elsewhere = make_account(company=other_company)
    area_decide(
        user=officer["ZJJ"],
        account_id=elsewhere.pk,
        from_year=SEASON,
        area="90",
        reference="2号",
        reason="实测",
    )

    assert not claim_is_stale(Claim.objects.get(pk=claim.pk))


def test_another_companys_or_seasons_settlement_does_not(metered, company, other_company, manager):
    claim = submitted(manager)
    elsewhere = make_account(company=other_company)
    pay(elsewhere, "1680.00")
    settle(other_company)

    assert not claim_is_stale(claim)


def test_recomputing_a_stale_claim_freezes_a_new_version_and_reopens_its_reviews(
    metered, company, manager, officer
):
    claim = submitted(manager)
    claim_review_approve(user=officer["ZJJ"], claim_id=claim.id)
    claim_adjust_cost(
        user=officer["SJJ"], claim_id=claim.id, category="fuel", amount="14000", reason="发票不足"
    )
    claim_review_approve(user=officer["SJJ"], claim_id=claim.id)
    resettle_with_a_corrected_reading(company, metered)

    claim = claim_recompute(user=officer["ZJJ"], claim_id=claim.id, comment="重新结算后重算")

    first, second = ClaimVersion.objects.filter(claim=claim).order_by("number")
    # 10 GJ × 45 = 450.00 now due instead of 900.00.
    assert (first.figures["revenue"], second.figures["revenue"]) == ("2580.00", "2310.00")
    assert claim.current_version == second and claim.figures == second.figures
    assert (claim.figures["cost"], second.adjustments.count()) == ("26000.00", 0)  # adjustments stay with v1
    assert set(claim.reviews.values_list("decision", flat=True)) == {ClaimReview.Decision.PENDING}
    assert not claim_is_stale(claim)
    event = claim.events.get(kind=ClaimEvent.Kind.RECOMPUTED)
    assert (
        event.figures_before["revenue"],
        event.figures_before["cost"],
        event.figures_after["revenue"],
    ) == ("2580.00", "25000.00", "2310.00")


def test_an_approved_claim_recomputed_needs_its_reviews_and_approval_again(
    metered, company, manager, officer
):
    claim = approved(manager, officer)
    resettle_with_a_corrected_reading(company, metered)

    claim = claim_recompute(user=manager, claim_id=claim.id)

    assert (claim.state, claim.approved_amount) == (State.SUBMITTED, None)
    with pytest.raises(ClaimRefused):
        claim_approve(user=officer["CZJ"], claim_id=claim.id)
    for code in REVIEWERS:
        claim_review_approve(user=officer[code], claim_id=claim.id)
    assert claim_approve(user=officer["CZJ"], claim_id=claim.id).state == State.APPROVED


def test_a_claim_whose_statements_have_not_changed_is_not_recomputed(metered, manager):
    claim = submitted(manager)

    with pytest.raises(ClaimRefused, match="最新"):
        claim_recompute(user=manager, claim_id=claim.id)
    assert claim.versions.count() == 1


def test_a_paid_claim_is_not_recomputed(metered, company, manager, officer):
    claim = paid(manager, officer)
    resettle_with_a_corrected_reading(company, metered)

    assert claim_is_stale(claim)
    with pytest.raises(ClaimRefused):
        claim_recompute(user=officer["CZJ"], claim_id=claim.id)


def test_only_the_companys_manager_or_a_leading_bureau_recomputes(metered, company, manager, clerk, officer):
    claim = submitted(manager)
    resettle_with_a_corrected_reading(company, metered)

    for user in (clerk, officer["FGJ"], officer["SJJ"]):
        with pytest.raises(PermissionDenied):
            claim_recompute(user=user, claim_id=claim.id)
    assert claim_recompute(user=officer["CZJ"], claim_id=claim.id).current_version.number == 2


def test_the_staleness_check_is_one_query_however_many_statements(
    metered, company, manager, django_assert_num_queries
):
    claim = submitted(manager)
    for _ in range(5):
        pay(make_account(company=company), "1680.00")
    settle(company)

    with django_assert_num_queries(1):
        assert claim_is_stale(claim)
    assert statements_marker(company.id, SEASON)[0] == 7


def test_finance_neither_approves_nor_pays_on_stale_figures(metered, company, manager, officer):
    claim = reviewed(manager, officer)
    resettle_with_a_corrected_reading(company, metered)
    with pytest.raises(ClaimRefused, match="重新计算"):
        claim_approve(user=officer["CZJ"], claim_id=claim.id)

    claim = approved(MembershipFactory(role=Role.MANAGER, organisation=company).user, officer, season=2020)
    pay(make_account(company=company), "1680.00", season=2020)
    settle(company, season=2020)
    with pytest.raises(ClaimRefused, match="重新计算"):
        claim_pay(user=officer["CZJ"], claim_id=claim.id, paid_on=datetime.date(2021, 9, 1), reference="x")
    assert Claim.objects.get(pk=claim.pk).state == State.APPROVED
