import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from heating import bank_accounts
from heating.models import LedgerEntry, Refund, Role
from heating.models.refunds import RefundClosed
from heating.selectors.ledger import balance
from heating.services.payments import refund_record
from heating.services.refunds import (
    refund_cancel,
    refund_credit,
    refund_fail,
    refund_payee_set,
    refund_retry,
    refunds_mark_paid,
    refunds_open_for_season,
)
from tests.factories import CompanyFactory, MembershipFactory, make_account
from tests.settlement.helpers import SEASON, pay, settle

pytestmark = pytest.mark.django_db
PAID_ON = datetime.date(2020, 5, 6)


def assert_reconciles(*accounts):
    """Open refunds less open supplements are exactly what the ledger still owes the household."""
    for account in accounts:
        open_owed = sum(
            (r.amount if r.kind == Refund.Kind.REFUND else -r.amount)
            for r in Refund.objects.filter(account=account, season_year=SEASON, state__in=Refund.OPEN)
        )
        assert open_owed == -balance(account.id, SEASON)


def the(account, kind=Refund.Kind.REFUND):
    return Refund.objects.get(account=account, kind=kind, state__in=Refund.OPEN)


def test_settlement_opens_a_refund_and_a_supplement_that_reconcile(settled):
    over, under = settled
    assert the(over).amount == -balance(over.id, SEASON) > 0
    assert the(under, Refund.Kind.SUPPLEMENT).amount == balance(under.id, SEASON) > 0
    assert_reconciles(over, under)


def test_opening_again_opens_nothing(company, manager, settled):
    assert refunds_open_for_season(company=company, start_year=SEASON, user=manager) == []
    assert Refund.objects.count() == 2


def test_every_transition_keeps_the_ledger_reconciled(company, clerk, settled):
    over, under = settled
    refund, supplement = the(over), the(under, Refund.Kind.SUPPLEMENT)
    refund_fail(refund_id=refund.id, reason="户名不符", user=clerk)
    assert_reconciles(over)
    refund_retry(refund_id=refund.id, user=clerk)
    assert_reconciles(over)
    refunds_mark_paid(
        refund_ids=[refund.id, supplement.id], bank_reference="B-1", paid_on=PAID_ON, user=clerk
    )
    assert_reconciles(over, under)
    assert balance(over.id, SEASON) == balance(under.id, SEASON) == 0
    refund.refresh_from_db()
    assert (refund.state, refund.entry.kind, refund.changed_by) == ("paid", "refund", clerk)
    supplement.refresh_from_db()
    assert supplement.payment.entries.get().kind == LedgerEntry.Kind.SUPPLEMENT


def test_a_cancellation_writes_the_reversing_entry(clerk, settled):
    over, under = settled
    refund, supplement = the(over), the(under, Refund.Kind.SUPPLEMENT)
    refund_cancel(refund_id=refund.id, reason="放弃退费", user=clerk)
    refund_cancel(refund_id=supplement.id, reason="减免", user=clerk)
    refund.refresh_from_db()
    supplement.refresh_from_db()
    assert (refund.entry.kind, refund.entry.amount) == ("reversal", refund.amount)
    assert (supplement.entry.kind, supplement.entry.amount) == ("reversal", -supplement.amount)
    assert balance(over.id, SEASON) == balance(under.id, SEASON) == 0
    assert_reconciles(over, under)


def test_a_credit_is_one_movement_to_the_next_season(clerk, settled):
    over, _ = settled
    refund = the(over)
    refund_credit(refund_id=refund.id, credited_on=PAID_ON, user=clerk)
    assert balance(over.id, SEASON) == 0
    assert balance(over.id, SEASON + 1) == -refund.amount
    assert_reconciles(over)


def test_paying_twice_is_refused(clerk, settled):
    refund = the(settled[0])
    refunds_mark_paid(refund_ids=[refund.id], bank_reference="B-1", paid_on=PAID_ON, user=clerk)
    with pytest.raises(ValidationError):
        refunds_mark_paid(refund_ids=[refund.id], bank_reference="B-2", paid_on=PAID_ON, user=clerk)
    assert LedgerEntry.objects.filter(kind="refund").count() == 1


def test_a_stale_copy_cannot_pay_what_another_clerk_paid(clerk, settled):
    """The conditional update: a clerk holding the row as it was read cannot save it again."""
    refund = the(settled[0])
    stale = Refund.objects.get(pk=refund.pk)
    refunds_mark_paid(refund_ids=[refund.id], bank_reference="B-1", paid_on=PAID_ON, user=clerk)
    stale.pay()
    with pytest.raises(RefundClosed):
        stale.save()


def test_a_paid_refund_is_never_changed(clerk, settled):
    refund = the(settled[0])
    refunds_mark_paid(refund_ids=[refund.id], bank_reference="B-1", paid_on=PAID_ON, user=clerk)
    for change in (
        lambda: refund_cancel(refund_id=refund.id, reason="x", user=clerk),
        lambda: refund_fail(refund_id=refund.id, reason="x", user=clerk),
        lambda: refund_credit(refund_id=refund.id, credited_on=PAID_ON, user=clerk),
        lambda: refund_payee_set(
            refund_id=refund.id, name="甲", bank="乙", account_number="6222" * 4, user=clerk
        ),
    ):
        with pytest.raises(ValidationError):
            change()
    refund.refresh_from_db()
    refund.bank_reference = "EDITED"
    with pytest.raises(RefundClosed):
        refund.save()


def test_a_resettlement_adjusts_by_a_new_row_and_leaves_the_paid_one(company, manager, clerk, settled):
    over, _ = settled
    refund = the(over)
    refunds_mark_paid(refund_ids=[refund.id], bank_reference="B-1", paid_on=PAID_ON, user=clerk)
    pay(over, "300.00")  # money arriving after settlement: the household is owed it back
    refunds_open_for_season(company=company, start_year=SEASON, user=manager)
    refund.refresh_from_db()
    assert refund.state == "paid" and refund.bank_reference == "B-1"
    assert the(over).amount == Decimal("300.00")
    assert_reconciles(over)


def test_another_companys_staff_cannot_touch_them(settled):
    refund = the(settled[0])
    stranger = MembershipFactory(organisation=CompanyFactory(), role=Role.MANAGER).user
    for action in (
        lambda: refunds_mark_paid(refund_ids=[refund.id], bank_reference="B", paid_on=PAID_ON, user=stranger),
        lambda: refund_cancel(refund_id=refund.id, reason="x", user=stranger),
        lambda: refund_credit(refund_id=refund.id, credited_on=PAID_ON, user=stranger),
        lambda: refund_fail(refund_id=refund.id, reason="x", user=stranger),
    ):
        with pytest.raises(PermissionDenied):
            action()
    with pytest.raises(PermissionDenied):
        refunds_open_for_season(company=refund.account.company, start_year=SEASON, user=stranger)
    assert Refund.objects.get(pk=refund.pk).state == "pending"


def test_the_payee_account_is_stored_encrypted_and_masked(clerk, settled):
    refund = the(settled[0])
    refund_payee_set(
        refund_id=refund.id,
        name="张三",
        bank="沂源农商行",
        account_number="6222 0216 0001 2341 234",
        user=clerk,
    )
    refund.refresh_from_db()
    assert refund.payee_account_masked == "6222 **** **** 1234"
    assert "6222021600012341234" not in refund.payee_account_cipher
    assert bank_accounts.reveal(refund.payee_account_cipher) == "6222021600012341234"
    assert "6222021600012341234" not in str(list(refund.history.values_list()))


def test_a_refund_larger_than_the_ledger_owes_is_refused_whole(clerk, settled):
    over, under = settled
    refund, supplement = the(over), the(under, Refund.Kind.SUPPLEMENT)
    refund_record(account=over, season_year=SEASON, amount=refund.amount)  # paid outside the rows
    with pytest.raises(ValidationError):
        refunds_mark_paid(
            refund_ids=[supplement.id, refund.id], bank_reference="B", paid_on=PAID_ON, user=clerk
        )
    assert Refund.objects.filter(state="paid").count() == 0
    assert not LedgerEntry.objects.filter(kind="supplement").exists()


def test_settlement_before_refunds_still_works_without_any(company):
    account = make_account(company=company)
    pay(account, "5000.00")
    settle(company)
    assert not Refund.objects.exists()


def test_history_names_who_made_each_transition(manager, clerk, settled):
    refund = the(settled[0])
    refund_fail(refund_id=refund.id, reason="户名不符", user=clerk)
    refund_retry(refund_id=refund.id, user=manager)
    refunds_mark_paid(refund_ids=[refund.id], bank_reference="B-1", paid_on=PAID_ON, user=clerk)
    steps = list(refund.history.order_by("history_date", "history_id").values_list("state", "history_user"))
    assert steps == [
        ("pending", manager.id),
        ("failed", clerk.id),
        ("pending", manager.id),
        ("paid", clerk.id),
    ]
