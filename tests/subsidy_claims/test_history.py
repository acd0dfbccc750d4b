"""A claim's history is complete and append-only: every step, who took it for which organisation, the
decision, the comment and the figures before and after; the ORM refuses to change or remove any of it."""

import datetime
from decimal import Decimal

import pytest

from heating.models.ledger import AppendOnlyError
from subsidy.models import Claim, ClaimAdjustment, ClaimEvent, ClaimVersion
from subsidy.selectors.claims import claim_history
from subsidy.services.claims import (
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

from .helpers import EXAMPLE_11, SEASON, submitted

pytestmark = pytest.mark.django_db
K = ClaimEvent.Kind


def test_a_claim_that_goes_round_twice_has_every_step_in_its_history(manager, officer):
    claim = claim_create(user=manager, start_year=SEASON, note="2019—2020 供暖季补贴")
    claim_submit(user=manager, claim_id=claim.id, comment="请审核")
    claim_review_approve(user=officer["ZJJ"], claim_id=claim.id, comment="面积核实无误")
    claim_return(user=officer["SJJ"], claim_id=claim.id, reason="缺少燃料采购发票")
    claim_edit(user=manager, claim_id=claim.id, note="已补充发票")
    claim_submit(user=manager, claim_id=claim.id)
    claim_adjust_cost(
        user=officer["SJJ"], claim_id=claim.id, category="fuel", amount="14000.00", reason="发票合计14000元"
    )
    for code in ("FGJ", "SJJ", "ZJJ"):
        claim_review_approve(user=officer[code], claim_id=claim.id)
    claim_approve(user=officer["CZJ"], claim_id=claim.id, comment="同意拨付")
    claim_pay(
        user=officer["CZJ"],
        claim_id=claim.id,
        paid_on=datetime.date(2020, 9, 1),
        reference="财拨〔2020〕17号",
    )
    claim_funds_check(user=officer["SJJ"], claim_id=claim.id, sound=True)

    adjusted = {
        **EXAMPLE_11,
        "cost": "25000.00",
        "res_cost": "9375.00",
        "inversion": "4875.00",
        "eligible": "5700.00",
        "actual_loss": "3825.00",
        "claim": "3325.00",
    }
    steps = [
        (
            e.kind,
            e.organisation.code,
            e.actor_name,
            e.version and e.version.number,
            e.decision,
            e.comment,
            e.state_after,
        )
        for e in claim_history(claim)
    ]
    company, m = claim.company.code, manager.username
    assert steps == [
        (K.CREATED, company, m, None, "", "", "draft"),
        (K.SUBMITTED, company, m, 1, "", "请审核", "submitted"),
        (K.REVIEW_APPROVED, "ZJJ", "officer_ZJJ", 1, "agree", "面积核实无误", "submitted"),
        (K.RETURNED, "SJJ", "officer_SJJ", 1, "return", "缺少燃料采购发票", "returned"),
        (K.EDITED, company, m, 1, "", "已补充发票", "returned"),
        (K.SUBMITTED, company, m, 2, "", "", "submitted"),
        (K.COST_ADJUSTED, "SJJ", "officer_SJJ", 2, "", "发票合计14000元", "submitted"),
        (K.REVIEW_APPROVED, "FGJ", "officer_FGJ", 2, "agree", "", "submitted"),
        (K.REVIEW_APPROVED, "SJJ", "officer_SJJ", 2, "agree", "", "submitted"),
        (K.REVIEW_APPROVED, "ZJJ", "officer_ZJJ", 2, "agree", "", "reviewed"),
        (K.APPROVED, "CZJ", "officer_CZJ", 2, "agree", "同意拨付", "approved"),
        (K.PAID, "CZJ", "officer_CZJ", 2, "", "财拨〔2020〕17号", "paid"),
        (K.FUNDS_CHECKED, "SJJ", "officer_SJJ", 2, "sound", "", "paid"),
    ]
    figures = [(e.figures_before, e.figures_after) for e in claim_history(claim)]
    assert figures[0] == (None, None)
    assert figures[1] == (None, EXAMPLE_11)
    assert figures[5] == (EXAMPLE_11, EXAMPLE_11)  # resubmitted: a new version of the same figures
    assert figures[6] == (EXAMPLE_11, adjusted)
    assert figures[10:] == [(adjusted, adjusted)] * 3
    adjustment = claim_history(claim).get(kind=K.COST_ADJUSTED).adjustment
    assert (adjustment.category, adjustment.amount_before, adjustment.amount_after) == (
        "fuel",
        Decimal("15000.00"),
        Decimal("14000.00"),
    )
    assert Claim.objects.get(pk=claim.pk).approved_amount == Decimal(
        "3325.00"
    )  # §8 by hand: min(5700, 3825) − 500
    assert [e.at for e in claim_history(claim)] == sorted(e.at for e in claim_history(claim))


def test_the_history_is_read_in_queries_that_do_not_grow_with_it(manager, officer, django_assert_num_queries):
    claim = submitted(manager)
    for code in ("ZJJ", "FGJ"):
        claim_review_approve(user=officer[code], claim_id=claim.id)

    with django_assert_num_queries(1):
        names = [(e.organisation.code, e.version and e.version.number) for e in claim_history(claim)]
    assert names == [(claim.company.code, None), (claim.company.code, 1), ("ZJJ", 1), ("FGJ", 1)]


@pytest.fixture
def written(manager, officer):
    claim = submitted(manager)
    claim_adjust_cost(
        user=officer["SJJ"], claim_id=claim.id, category="fuel", amount="14000", reason="发票不足"
    )
    return (
        ClaimEvent.objects.filter(claim=claim),
        ClaimVersion.objects.filter(claim=claim),
        ClaimAdjustment.objects.all(),
    )


@pytest.mark.parametrize("which", [0, 1, 2], ids=["event", "version", "adjustment"])
def test_the_orm_refuses_to_change_or_remove_a_written_row(written, which):
    rows = written[which]
    row = rows.last()

    with pytest.raises(AppendOnlyError):
        row.save()
    with pytest.raises(AppendOnlyError):
        row.delete()
    with pytest.raises(AppendOnlyError):
        rows.update(id=row.id)
    with pytest.raises(AppendOnlyError):
        rows.delete()
