"""The claim's steps through its page: a round trip by POST, and every refusal shown next to its
form in words (400), never a 500."""

import datetime
from decimal import Decimal

import pytest

from subsidy.models import Claim, ClaimAdjustment, ClaimReview
from tests.factories import make_account
from tests.settlement.helpers import settle
from tests.subsidy_claims.helpers import approved, paid, reviewed, submitted

from .helpers import part

STEP = "/subsidy/claims/{}/{}/"


def post(client, user, claim, step, **data):
    client.force_login(user)
    return client.post(STEP.format(claim.pk, step), data)


def test_a_round_trip_through_the_pages(client, manager, officer):
    client.force_login(manager)
    response = client.post("/subsidy/claims/new/", {"season": "2019-2020", "note": "城区供暖季亏损补贴"})
    claim = Claim.objects.get()
    assert response.url == f"/subsidy/claims/{claim.pk}/"
    assert post(client, manager, claim, "submit").status_code == 302
    adjusted = {"amount-wages": "4000.00", "reason-wages": "临时工工资不属供暖成本", "comment": "核减工资"}
    assert post(client, officer["ZJJ"], claim, "review", **adjusted).status_code == 302
    for code in ("FGJ", "SJJ"):
        assert post(client, officer[code], claim, "review").status_code == 302
    assert post(client, officer["CZJ"], claim, "approve").status_code == 302
    paid = {"paid_on": "2020-09-01", "reference": "财拨〔2020〕17号"}
    assert post(client, officer["CZJ"], claim, "pay", **paid).status_code == 302
    claim.refresh_from_db()
    assert claim.state == Claim.State.PAID
    # By hand (POLICY.md §8): cost 26000 − 1000 = 25000; res_cost 25000 × 300 ÷ 800 = 9375.00;
    # inversion 9375 − 4500 = 4875.00; eligible 225 + 600 + 4875 = 5700.00; actual loss
    # 25000 − 21175 = 3825.00; claim min(5700, 3825) − 500 = 3325.00.
    assert claim.figures["claim"] == "3325.00" and claim.approved_amount == Decimal("3325.00")
    assert claim.paid_on == datetime.date(2020, 9, 1)
    adjustment = ClaimAdjustment.objects.get()
    assert (adjustment.category, adjustment.reason) == ("wages", "临时工工资不属供暖成本")


def test_the_next_page_says_what_was_done(client, manager, officer):
    claim = submitted(manager)
    response = post(client, officer["FGJ"], claim, "review")
    assert "已审核通过。" in client.get(response.url).content.decode()


def test_an_adjustment_without_a_reason_is_refused_next_to_the_review_form_and_nothing_changes(
    client, manager, officer
):
    claim = submitted(manager)
    response = post(client, officer["SJJ"], claim, "review", **{"amount-fuel": "12000"})
    assert response.status_code == 400
    error = part(response.content.decode(), "review-form")
    assert "成本调整（燃料费）：请写明调整理由。" in error
    assert 'value="12000"' in error  # what was typed is kept
    assert not ClaimAdjustment.objects.exists()
    assert not ClaimReview.objects.filter(decision=ClaimReview.Decision.APPROVED).exists()


@pytest.mark.parametrize("amount", ["abc", "-5", "1e30", "9" * 19])
def test_a_bad_amount_is_refused_in_words(client, manager, officer, amount):
    claim = submitted(manager)
    response = post(client, officer["SJJ"], claim, "review", **{"amount-fuel": amount, "reason-fuel": "x"})
    assert response.status_code == 400
    assert 'id="review-error"' in response.content.decode()


def test_finance_cannot_approve_before_the_reviews_and_is_told_why(client, manager, officer):
    claim = submitted(manager)
    response = post(client, officer["CZJ"], claim, "approve")
    assert response.status_code == 400
    assert "各审核部门的审核尚未全部通过，不能审批。" in response.content.decode()


def test_a_reviewer_posting_finances_step_is_refused_in_words(client, manager, officer):
    claim = reviewed(manager, officer)
    response = post(client, officer["FGJ"], claim, "approve")
    assert response.status_code == 400
    assert "只有承担补贴审批职责的部门可以审批。" in response.content.decode()
    assert Claim.objects.get().state == Claim.State.REVIEWED


def test_a_company_cannot_submit_twice(client, manager):
    claim = submitted(manager)
    response = post(client, manager, claim, "submit")
    assert response.status_code == 400
    assert "不能办理这一步" in response.content.decode()


def test_a_return_needs_a_reason(client, manager, officer):
    claim = submitted(manager)
    response = post(client, officer["FGJ"], claim, "return", reason="  ")
    assert response.status_code == 400 and "请写明退回理由。" in response.content.decode()
    assert post(client, officer["FGJ"], claim, "return", reason="缺成本附件").status_code == 302
    assert Claim.objects.get().state == Claim.State.RETURNED


@pytest.mark.parametrize(
    "data, said",
    [
        ({"paid_on": "2020-13-01", "reference": "A1"}, "拨付日期：请按 YYYY-MM-DD 填写。"),
        ({"paid_on": "2999-01-01", "reference": "A1"}, "拨付日期：不能晚于今天。"),
        ({"paid_on": "2020-09-01", "reference": ""}, "请填写拨付凭证号。"),
    ],
)
def test_a_payment_needs_a_date_and_a_reference(client, manager, officer, data, said):
    claim = approved(manager, officer)
    response = post(client, officer["CZJ"], claim, "pay", **data)
    assert response.status_code == 400
    assert said in part(response.content.decode(), "pay-form")
    assert Claim.objects.get().state == Claim.State.APPROVED


def test_a_funds_check_finding_needs_words(client, manager, officer):
    claim = paid(manager, officer)
    assert post(client, officer["SJJ"], claim, "funds_check").status_code == 400
    response = post(client, officer["SJJ"], claim, "funds_check", sound="no")
    assert "请写明发现的问题。" in response.content.decode()
    assert post(client, officer["SJJ"], claim, "funds_check", sound="yes").status_code == 302


def test_an_unknown_step_or_a_get_is_not_a_step(client, manager):
    claim = submitted(manager)
    assert post(client, manager, claim, "delete").status_code == 404
    assert client.get(STEP.format(claim.pk, "submit")).status_code == 405


def test_a_bureau_without_a_subsidy_duty_gets_404_for_a_step(client, manager, officer):
    claim = submitted(manager)
    assert post(client, officer["JTJ"], claim, "review").status_code == 404


def test_a_stale_claim_recomputed_from_its_page_gets_a_new_version_and_fresh_reviews(
    client, manager, officer, company
):
    claim = reviewed(manager, officer)
    settle(company, make_account(company=company))
    assert post(client, officer["CZJ"], claim, "approve").status_code == 400  # stale: finance waits
    assert post(client, officer["ZJJ"], claim, "recompute", comment="重新结算").status_code == 302
    claim.refresh_from_db()
    assert (claim.state, claim.current_version.number) == (Claim.State.SUBMITTED, 2)
    assert not ClaimReview.objects.filter(claim=claim, decision=ClaimReview.Decision.APPROVED).exists()
