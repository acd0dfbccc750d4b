"""Resolving a difference: one action, one ledger effect with the reason in its memo, atomically and
once; a second resolve changes nothing; re-importing a day replaces it until something is resolved."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from heating.imports.statements import statement_read
from heating.models import BankCollection, LedgerEntry, Mismatch, Payment, PaymentOrder, Reconciliation
from heating.selectors.reconciliation import statement_match
from heating.services.reconciliation import ReconciliationLocked, mismatch_resolve, reconciliation_store
from tests.reconciliation.helpers import FORMATS, generated_day

Kind, Action = Mismatch.Kind, Mismatch.Action


def reconcile(company, user, source, accounts):
    day = generated_day(source, accounts(8))
    statement = statement_read("s.csv", FORMATS[source](day.trades))
    from heating.models import ImportBatch

    batch = ImportBatch.objects.create(
        company=company,
        kind="statement",
        file_name="s.csv",
        file_sha256="0",
        status="committed",
        created_by=user,
    )
    reconciliation = reconciliation_store(
        company=company,
        day=statement.day,
        source=source,
        match=statement_match(company, statement),
        batch=batch,
        user=user,
    )
    return day, reconciliation


def one(reconciliation, kind) -> Mismatch:
    return reconciliation.mismatches.get(kind=kind)


def effect():
    return LedgerEntry.objects.count(), Payment.objects.count()


@pytest.mark.parametrize("source", ["wechat", "bank"])
def test_recording_a_payment_missing_from_the_ledger_writes_one_payment_once(
    company, martin, accounts, source
):
    day, reconciliation = reconcile(company, martin, source, accounts)
    mismatch = one(reconciliation, Kind.MISSING_IN_LEDGER)
    entries, payments = effect()
    done = mismatch_resolve(
        company=company, mismatch_id=mismatch.pk, action=Action.RECORD, reason="通知丢失", user=martin
    )
    assert effect() == (entries + 1, payments + 1)
    payment = done.resolved_payment
    assert payment.amount == Decimal("1680.00") and payment.account_id == mismatch.account_id
    assert payment.entries.get().memo.endswith("通知丢失")
    if source == "wechat":
        order = PaymentOrder.objects.get(pk=day.orders["HTMISS"].pk)
        assert order.state == PaymentOrder.State.PAID and order.payment_id == payment.pk
    else:
        assert BankCollection.objects.get(reference="HTMISS").payment_id == payment.pk
    again = mismatch_resolve(
        company=company, mismatch_id=mismatch.pk, action=Action.RECORD, reason="再点一次", user=martin
    )
    assert effect() == (entries + 1, payments + 1) and again.reason == "通知丢失"


def test_an_order_paid_by_its_notification_meanwhile_is_not_paid_twice(company, martin, accounts):
    from heating.services.orders import order_pay_from_statement

    day, reconciliation = reconcile(company, martin, "wechat", accounts)
    order = day.orders["HTMISS"]
    order_pay_from_statement(
        order=order, transaction_id="TMISS", amount=Decimal("1680.00"), paid_at=None, channel="wechat"
    )
    entries, payments = effect()
    done = mismatch_resolve(
        company=company,
        mismatch_id=one(reconciliation, Kind.MISSING_IN_LEDGER).pk,
        action=Action.RECORD,
        reason="已由通知入账",
        user=martin,
    )
    assert effect() == (entries, payments)
    assert done.resolved_payment_id == PaymentOrder.objects.get(pk=order.pk).payment_id


def test_a_payment_the_provider_never_saw_is_reversed_with_the_reason(company, martin, accounts):
    day, reconciliation = reconcile(company, martin, "alipay", accounts)
    mismatch = one(reconciliation, Kind.MISSING_AT_PROVIDER)
    entries, payments = effect()
    mismatch_resolve(
        company=company, mismatch_id=mismatch.pk, action=Action.REVERSE, reason="误记", user=martin
    )
    reversal = LedgerEntry.objects.get(kind=LedgerEntry.Kind.REVERSAL)
    assert effect() == (entries + 1, payments)
    assert reversal.payment_id == day.payments["HTONLYUS"].pk and reversal.amount == Decimal("900.00")
    assert "误记" in reversal.memo


def test_a_different_amount_is_reversed_and_recorded_at_the_providers_amount(company, martin, accounts):
    day, reconciliation = reconcile(company, martin, "bank", accounts)
    mismatch = one(reconciliation, Kind.AMOUNT)
    entries, payments = effect()
    done = mismatch_resolve(
        company=company, mismatch_id=mismatch.pk, action=Action.ADJUST, reason="录错金额", user=martin
    )
    assert effect() == (entries + 2, payments + 1)
    assert done.resolved_payment.amount == Decimal("550.00")
    old = day.payments["HTAMOUNT"]
    assert (
        sum(e.amount for e in LedgerEntry.objects.filter(account=old.account, payment__isnull=False)) == -550
    )


def test_no_action_records_the_reason_and_writes_nothing_and_the_day_is_resolved_at_the_end(
    company, martin, accounts
):
    _day, reconciliation = reconcile(company, martin, "wechat", accounts)
    entries, payments = effect()
    for mismatch in reconciliation.mismatches.all():
        mismatch_resolve(
            company=company, mismatch_id=mismatch.pk, action=Action.NONE, reason="已核实", user=martin
        )
    assert effect() == (entries, payments)
    reconciliation.refresh_from_db()
    assert reconciliation.status == Reconciliation.Status.RESOLVED
    assert set(reconciliation.mismatches.values_list("reason", flat=True)) == {"已核实"}


def test_an_action_that_does_not_fit_or_no_reason_is_refused_and_writes_nothing(company, martin, accounts):
    _day, reconciliation = reconcile(company, martin, "wechat", accounts)
    entries, payments = effect()
    duplicate = one(reconciliation, Kind.DUPLICATE)
    with pytest.raises(ValidationError):
        mismatch_resolve(
            company=company, mismatch_id=duplicate.pk, action=Action.RECORD, reason="x", user=martin
        )
    with pytest.raises(ValidationError):
        mismatch_resolve(
            company=company, mismatch_id=duplicate.pk, action=Action.NONE, reason=" ", user=martin
        )
    assert effect() == (entries, payments)
    assert Mismatch.objects.get(pk=duplicate.pk).resolved_at is None


def test_another_companys_difference_is_not_found(company, other_company, martin, accounts):
    _day, reconciliation = reconcile(company, martin, "wechat", accounts)
    with pytest.raises(Mismatch.DoesNotExist):
        mismatch_resolve(
            company=other_company,
            mismatch_id=reconciliation.mismatches.first().pk,
            action=Action.NONE,
            reason="x",
            user=martin,
        )


def test_reimporting_replaces_an_unresolved_day_and_is_refused_once_anything_is_resolved(
    company, martin, accounts
):
    day, first = reconcile(company, martin, "bank", accounts)
    statement = statement_read("s.csv", FORMATS["bank"](day.trades))
    again = reconciliation_store(
        company=company,
        day=statement.day,
        source="bank",
        match=statement_match(company, statement),
        batch=first.batch,
        user=martin,
    )
    assert list(Reconciliation.objects.values_list("pk", flat=True)) == [again.pk]
    mismatch_resolve(
        company=company,
        mismatch_id=again.mismatches.first().pk,
        action=Action.NONE,
        reason="已核实",
        user=martin,
    )
    with pytest.raises(ReconciliationLocked):
        reconciliation_store(
            company=company,
            day=statement.day,
            source="bank",
            match=statement_match(company, statement),
            batch=first.batch,
            user=martin,
        )
