"""Every step a claim may take, by whom, and the steps refused: wrong state, wrong organisation, wrong
duty, or the company touching a claim it has submitted."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied

from heating.models import Duty, OrganisationDuty
from subsidy.models import Claim, ClaimAdjustment, ClaimEvent, ClaimReview
from subsidy.services.claims import (
    ClaimRefused,
    claim_adjust_cost,
    claim_approve,
    claim_create,
    claim_edit,
    claim_funds_check,
    claim_pay,
    claim_return,
    claim_review_approve,
    claim_submit,
)

from .helpers import EXAMPLE_11, REVIEWERS, SEASON, approved, paid, reviewed, submitted

pytestmark = pytest.mark.django_db
State = Claim.State


def decisions(claim):
    return dict(claim.reviews.values_list("organisation__code", "decision"))


def reload(claim):
    return Claim.objects.get(pk=claim.pk)


# Allowed ------------------------------------------------------------------------------------------


def test_the_manager_drafts_and_edits_a_claim(manager):
    claim = claim_create(user=manager, start_year=SEASON, note="初稿")
    claim = claim_edit(user=manager, claim_id=claim.id, note="补充说明")

    assert (claim.state, claim.note, claim.figures) == (State.DRAFT, "补充说明", None)


def test_submitting_freezes_the_figures_and_opens_a_slot_for_each_reviewing_bureau(manager, officer):
    claim = submitted(manager)

    version = claim.current_version
    assert claim.state == State.SUBMITTED
    assert (version.number, version.figures, claim.figures) == (1, EXAMPLE_11, EXAMPLE_11)
    # Housing leads, development-and-reform and audit take part; finance approves, so holds no slot.
    assert decisions(claim) == dict.fromkeys(REVIEWERS, ClaimReview.Decision.PENDING)


@pytest.mark.parametrize("order", [REVIEWERS, tuple(reversed(REVIEWERS)), ("FGJ", "ZJJ", "SJJ")])
def test_the_three_reviews_in_any_order_leave_the_claim_reviewed_only_after_the_last(manager, officer, order):
    claim = submitted(manager)

    states = [claim_review_approve(user=officer[code], claim_id=claim.id).state for code in order]

    assert states == [State.SUBMITTED, State.SUBMITTED, State.REVIEWED]
    assert set(decisions(reload(claim)).values()) == {ClaimReview.Decision.APPROVED}


def test_finance_approves_the_amount_the_figures_give_and_records_the_payment(manager, officer):
    claim = reviewed(manager, officer)

    claim = claim_approve(user=officer["CZJ"], claim_id=claim.id, comment="同意")
    assert (claim.state, claim.approved_amount) == (State.APPROVED, Decimal("4325.00"))

    claim = claim_pay(
        user=officer["CZJ"], claim_id=claim.id, paid_on=datetime.date(2020, 9, 1), reference="财拨17号"
    )
    assert (claim.state, claim.paid_on, claim.payment_reference) == (
        State.PAID,
        datetime.date(2020, 9, 1),
        "财拨17号",
    )


def test_an_adjustment_changes_the_figures_and_reopens_the_reviews_already_given(manager, officer):
    claim = submitted(manager)
    claim_review_approve(user=officer["ZJJ"], claim_id=claim.id)

    claim = claim_adjust_cost(
        user=officer["SJJ"], claim_id=claim.id, category="fuel", amount="14000", reason="燃料发票不足"
    )

    assert (claim.figures["cost"], claim.figures["claim"]) == ("25000.00", "3325.00")
    assert claim.current_version.figures == EXAMPLE_11  # the frozen version stays as submitted
    assert set(decisions(claim).values()) == {ClaimReview.Decision.PENDING}
    adjustment = ClaimAdjustment.objects.get()
    assert (
        adjustment.amount_before,
        adjustment.amount_after,
        adjustment.reason,
        adjustment.organisation.code,
    ) == (Decimal("15000.00"), Decimal("14000.00"), "燃料发票不足", "SJJ")


def test_a_second_adjustment_of_an_item_starts_from_the_first(manager, officer):
    claim = submitted(manager)
    claim_adjust_cost(
        user=officer["SJJ"], claim_id=claim.id, category="fuel", amount="14000", reason="发票不足"
    )

    claim = claim_adjust_cost(
        user=officer["FGJ"], claim_id=claim.id, category="fuel", amount="14500", reason="补交发票"
    )

    assert ClaimAdjustment.objects.order_by("id").last().amount_before == Decimal("14000.00")
    assert claim.figures["cost"] == "25500.00"


def test_an_adjustment_after_all_reviews_stand_takes_the_claim_back_to_review(manager, officer):
    claim = reviewed(manager, officer)

    claim = claim_adjust_cost(
        user=officer["FGJ"], claim_id=claim.id, category="wages", amount="4000", reason="人数不符"
    )

    assert claim.state == State.SUBMITTED
    assert set(decisions(claim).values()) == {ClaimReview.Decision.PENDING}
    with pytest.raises(ClaimRefused):
        claim_approve(user=officer["CZJ"], claim_id=claim.id)


def test_a_reviewer_returns_the_claim_and_resubmission_starts_every_review_afresh(manager, officer):
    claim = submitted(manager)
    claim_review_approve(user=officer["ZJJ"], claim_id=claim.id)

    claim = claim_return(user=officer["FGJ"], claim_id=claim.id, reason="缺少燃料采购合同")
    assert claim.state == State.RETURNED
    claim = claim_edit(user=manager, claim_id=claim.id, note="已补充合同")
    claim = claim_submit(user=manager, claim_id=claim.id)

    assert (claim.state, claim.current_version.number) == (State.SUBMITTED, 2)
    assert set(decisions(claim).values()) == {ClaimReview.Decision.PENDING}


def test_finance_may_send_a_reviewed_claim_back_before_approving(manager, officer):
    claim = reviewed(manager, officer)

    assert claim_return(user=officer["CZJ"], claim_id=claim.id, reason="金额需复核").state == State.RETURNED


@pytest.mark.parametrize("code", ["CZJ", "SJJ"])
def test_finance_and_audit_check_the_use_of_the_funds_after_payment(manager, officer, code):
    claim = paid(manager, officer)

    event = claim_funds_check(user=officer[code], claim_id=claim.id, sound=False, comment="部分资金挪作他用")

    assert (event.kind, event.organisation.code, event.decision) == (
        ClaimEvent.Kind.FUNDS_CHECKED,
        code,
        ClaimEvent.Decision.CONCERN,
    )
    assert reload(claim).state == State.PAID


# Refused ------------------------------------------------------------------------------------------


def test_finance_cannot_approve_before_all_three_reviews_stand(manager, officer):
    claim = submitted(manager)
    for code in REVIEWERS[:2]:
        claim_review_approve(user=officer[code], claim_id=claim.id)

    with pytest.raises(ClaimRefused, match="尚未全部通过"):
        claim_approve(user=officer["CZJ"], claim_id=claim.id)
    assert reload(claim).state == State.SUBMITTED
    assert not ClaimEvent.objects.filter(kind=ClaimEvent.Kind.APPROVED).exists()


def test_the_company_cannot_edit_or_resubmit_a_submitted_claim(manager, officer):
    claim = submitted(manager)

    with pytest.raises(ClaimRefused, match="已提交"):
        claim_edit(user=manager, claim_id=claim.id, note="改一下")
    with pytest.raises(ClaimRefused):
        claim_submit(user=manager, claim_id=claim.id)
    with pytest.raises(PermissionDenied):
        claim_adjust_cost(user=manager, claim_id=claim.id, category="fuel", amount="30000", reason="涨价")
    assert reload(claim).note == ""


def test_only_the_companys_own_manager_drafts_edits_and_submits(manager, clerk, other_manager, officer):
    with pytest.raises(PermissionDenied):
        claim_create(user=clerk, start_year=SEASON)
    with pytest.raises(PermissionDenied):
        claim_create(user=officer["CZJ"], start_year=SEASON)
    claim = claim_create(user=manager, start_year=SEASON)

    for user in (clerk, other_manager):
        with pytest.raises(PermissionDenied):
            claim_submit(user=user, claim_id=claim.id)
        with pytest.raises(PermissionDenied):
            claim_edit(user=user, claim_id=claim.id, note="x")
    assert reload(claim).state == State.DRAFT


@pytest.mark.parametrize("season", [1999, 2100, 99999, -1])
def test_a_claim_is_for_a_season_that_has_begun(manager, season):
    with pytest.raises(ClaimRefused, match="供暖季"):
        claim_create(user=manager, start_year=season)
    assert not Claim.objects.exists()


def test_one_claim_per_company_and_season(manager):
    claim_create(user=manager, start_year=SEASON)

    with pytest.raises(ClaimRefused):
        claim_create(user=manager, start_year=SEASON)


@pytest.mark.parametrize(
    ("code", "step"),
    [
        ("FGJ", lambda user, claim: claim_approve(user=user, claim_id=claim.id)),  # finance's step
        (
            "SJJ",
            lambda user, claim: claim_pay(
                user=user, claim_id=claim.id, paid_on=datetime.date(2020, 9, 1), reference="x"
            ),
        ),
        ("CZJ", lambda user, claim: claim_review_approve(user=user, claim_id=claim.id)),  # holds no slot
        ("MZJ", lambda user, claim: claim_review_approve(user=user, claim_id=claim.id)),  # no subsidy duty
        ("MZJ", lambda user, claim: claim_return(user=user, claim_id=claim.id, reason="x")),
        (
            "JTJ",
            lambda user, claim: claim_adjust_cost(
                user=user, claim_id=claim.id, category="fuel", amount="1", reason="x"
            ),
        ),
    ],
)
def test_a_bureau_cannot_take_another_bureaus_step(manager, officer, code, step):
    claim = submitted(manager)
    for reviewer in REVIEWERS:
        claim_review_approve(user=officer[reviewer], claim_id=claim.id)

    with pytest.raises(PermissionDenied):
        step(officer[code], claim)
    assert reload(claim).state == State.REVIEWED


def test_the_use_of_funds_is_checked_only_by_the_fund_audit_bureaus_and_only_after_payment(manager, officer):
    claim = approved(manager, officer)
    with pytest.raises(ClaimRefused):
        claim_funds_check(user=officer["SJJ"], claim_id=claim.id, sound=True)
    claim = claim_pay(
        user=officer["CZJ"], claim_id=claim.id, paid_on=datetime.date(2020, 9, 1), reference="x"
    )

    with pytest.raises(PermissionDenied):
        claim_funds_check(user=officer["FGJ"], claim_id=claim.id, sound=True)
    with pytest.raises(ClaimRefused, match="问题"):
        claim_funds_check(user=officer["SJJ"], claim_id=claim.id, sound=False, comment=" ")


def test_a_reviewer_approves_once_and_not_after_returning(manager, officer):
    claim = submitted(manager)
    claim_review_approve(user=officer["ZJJ"], claim_id=claim.id)
    with pytest.raises(ClaimRefused):
        claim_review_approve(user=officer["ZJJ"], claim_id=claim.id)

    claim_return(user=officer["SJJ"], claim_id=claim.id, reason="缺材料")
    with pytest.raises(ClaimRefused):
        claim_review_approve(user=officer["FGJ"], claim_id=claim.id)


def test_payment_waits_for_approval_and_approval_is_given_once(manager, officer):
    claim = reviewed(manager, officer)
    with pytest.raises(ClaimRefused):
        claim_pay(user=officer["CZJ"], claim_id=claim.id, paid_on=datetime.date(2020, 9, 1), reference="x")
    claim_approve(user=officer["CZJ"], claim_id=claim.id)

    with pytest.raises(ClaimRefused):
        claim_approve(user=officer["CZJ"], claim_id=claim.id)
    with pytest.raises(ClaimRefused):
        claim_adjust_cost(user=officer["SJJ"], claim_id=claim.id, category="fuel", amount="1", reason="x")
    with pytest.raises(ClaimRefused):
        claim_return(user=officer["SJJ"], claim_id=claim.id, reason="x")


@pytest.mark.parametrize(
    ("fields", "match"),
    [
        ({"category": "mystery", "amount": "1", "reason": "x"}, "成本项目"),
        ({"category": "fuel", "amount": "-1", "reason": "x"}, "负"),
        ({"category": "fuel", "amount": "1e20", "reason": "x"}, "负"),
        ({"category": "fuel", "amount": "abc", "reason": "x"}, "金额"),
        ({"category": "fuel", "amount": "14000", "reason": "   "}, "理由"),
        ({"category": "fuel", "amount": "15000.00", "reason": "x"}, "相同"),
    ],
)
def test_an_adjustment_needs_a_known_item_a_sane_amount_and_a_reason(manager, officer, fields, match):
    claim = submitted(manager)

    with pytest.raises(ClaimRefused, match=match):
        claim_adjust_cost(user=officer["SJJ"], claim_id=claim.id, **fields)
    assert not ClaimAdjustment.objects.exists()


def test_returning_needs_a_reason(manager, officer):
    claim = submitted(manager)

    with pytest.raises(ClaimRefused, match="理由"):
        claim_return(user=officer["SJJ"], claim_id=claim.id, reason="")


def test_another_companys_claim_is_refused_exactly_like_one_that_does_not_exist(manager, other_manager):
    claim = claim_create(user=manager, start_year=SEASON)

    refusals = []
    for claim_id in (claim.id, claim.id + 1000):
        with pytest.raises(PermissionDenied) as refused:
            claim_submit(user=other_manager, claim_id=claim_id)
        refusals.append(str(refused.value))
    assert refusals[0] == refusals[1]


def test_review_slots_follow_the_duties_not_the_bureaus_names(manager, officer, bureaus):
    OrganisationDuty.objects.filter(organisation=bureaus["FGJ"], duty=Duty.SUBSIDY_REVIEW).delete()
    OrganisationDuty.objects.create(organisation=bureaus["MZJ"], duty=Duty.SUBSIDY_REVIEW)

    claim = submitted(manager)

    assert set(decisions(claim)) == {"ZJJ", "SJJ", "MZJ"}
    with pytest.raises(PermissionDenied):
        claim_review_approve(user=officer["FGJ"], claim_id=claim.id)
    for code in ("ZJJ", "SJJ", "MZJ"):
        claim_review_approve(user=officer[code], claim_id=claim.id)
    assert claim_approve(user=officer["CZJ"], claim_id=claim.id).state == State.APPROVED


def test_a_bureau_that_gains_the_approval_duty_leaves_the_review_to_the_others(manager, officer, bureaus):
    OrganisationDuty.objects.create(organisation=bureaus["ZJJ"], duty=Duty.SUBSIDY_APPROVE)

    assert set(decisions(submitted(manager))) == {"FGJ", "SJJ"}
