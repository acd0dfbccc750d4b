"""原路退回 through the sandbox provider's real refund path: the parts, the orders, the Refund's state
and the ledger after each step."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from config.celery import app
from heating.models import ChannelRefund, LedgerEntry, PaymentOrder, Refund, Role, SandboxRefund, SandboxTrade
from heating.payments import sandbox
from heating.services.channel_refunds import channel_refunds_query, refund_send_back
from heating.services.refunds import refund_cancel, refund_retry, refunds_mark_paid
from tests.factories import CompanyFactory, MembershipFactory

from .helpers import D, season_balance, settled_refund

pytestmark = pytest.mark.django_db
Part = ChannelRefund.State


def _later(seconds=120):
    return timezone.now() + datetime.timedelta(seconds=seconds)


def _refunds_in_ledger(account):
    return list(
        LedgerEntry.objects.filter(account=account, kind=LedgerEntry.Kind.REFUND).values_list(
            "amount", flat=True
        )
    )


def test_a_full_refund_goes_back_through_the_one_order(account, manager):
    refund, (order,) = settled_refund(account, "3000.00")  # 3000 − 1680 = 1320 back
    assert refund.amount == D("1320.00") and season_balance(account) == D("-1320.00")

    done, rest = refund_send_back(refund_id=refund.id, user=manager)

    assert rest is None and done.state == Refund.State.PAID and done.paid_on == timezone.localdate()
    (part,) = done.channel_parts.all()
    assert (part.order, part.amount, part.state) == (order, D("1320.00"), Part.SUCCEEDED)
    assert part.provider_refund_id.startswith("SBXR") and part.settled_at is not None
    assert _refunds_in_ledger(account) == [D("1320.00")] and season_balance(account) == 0
    assert done.entry.kind == LedgerEntry.Kind.REFUND and part.refund_no in done.entry.memo
    # Part of the order's money came back: the order stays paid.
    order.refresh_from_db()
    assert order.state == PaymentOrder.State.PAID
    (provider_side,) = SandboxRefund.objects.all()
    assert (provider_side.refund_no, provider_side.amount) == (part.refund_no, D("1320.00"))


def test_a_refund_split_across_two_orders_takes_the_newest_first_and_refunds_it_whole(account, manager):
    refund, (older, newer) = settled_refund(account, "2000.00", "1000.00")  # 1320 back
    done, _rest = refund_send_back(refund_id=refund.id, user=manager)

    parts = list(done.channel_parts.order_by("id"))
    assert [(p.order, p.amount) for p in parts] == [(newer, D("1000.00")), (older, D("320.00"))]
    assert len({p.refund_no for p in parts}) == 2
    assert done.state == Refund.State.PAID and season_balance(account) == 0
    assert _refunds_in_ledger(account) == [D("1320.00")]
    newer.refresh_from_db(), older.refresh_from_db()
    assert newer.state == PaymentOrder.State.REFUNDED and older.state == PaymentOrder.State.PAID
    assert SandboxTrade.objects.get(out_trade_no=newer.out_trade_no).state == SandboxTrade.State.REFUND


def test_a_refund_larger_than_the_online_payments_leaves_the_rest_to_the_bank(account, manager):
    refund, (order,) = settled_refund(account, "500.00", cash="2000.00")  # 2500 − 1680 = 820 back
    assert refund.amount == D("820.00")

    done, rest = refund_send_back(refund_id=refund.id, user=manager)

    assert (done.amount, done.state) == (D("500.00"), Refund.State.PAID)
    assert (rest.amount, rest.state, rest.created_at) == (
        D("320.00"),
        Refund.State.PENDING,
        refund.created_at,
    )
    order.refresh_from_db()
    assert order.state == PaymentOrder.State.REFUNDED
    assert season_balance(account) == D("-320.00")  # the bank's part still owed, and open
    assert done.history.filter(history_change_reason__startswith="原路退回", amount=D("500.00")).exists()
    # The bank pays the rest as before; sending it back again finds no online money left.
    with pytest.raises(ValidationError):
        refund_send_back(refund_id=rest.id, user=manager)
    refunds_mark_paid(refund_ids=[rest.id], bank_reference="B-1", paid_on=timezone.localdate(), user=manager)
    assert season_balance(account) == 0 and sorted(_refunds_in_ledger(account)) == [D("320.00"), D("500.00")]


def test_a_provider_failure_fails_the_refund_with_its_reason_and_a_retry_pays_it(account, manager, settings):
    settings.SANDBOX_REFUNDS_ASYNC = True
    refund, _orders = settled_refund(account, "3000.00")
    pending, _rest = refund_send_back(refund_id=refund.id, user=manager)
    (first,) = pending.channel_parts.all()
    assert pending.state == Refund.State.PENDING and first.state == Part.SUBMITTED

    sandbox.refund_complete(first.refund_no, ok=False, reason="用户银行卡已注销")
    assert channel_refunds_query(now=_later()) == [first.id]

    refund.refresh_from_db(), first.refresh_from_db()
    assert refund.state == Refund.State.FAILED and "用户银行卡已注销" in refund.reason
    assert (first.state, first.reason) == (Part.FAILED, "用户银行卡已注销")
    assert _refunds_in_ledger(account) == [] and season_balance(account) == D("-1320.00")

    refund_retry(refund_id=refund.id, user=manager)
    settings.SANDBOX_REFUNDS_ASYNC = False
    done, _rest = refund_send_back(refund_id=refund.id, user=manager)
    second = done.channel_parts.get(state=Part.SUCCEEDED)
    assert second.refund_no != first.refund_no and second.amount == D("1320.00")
    assert done.state == Refund.State.PAID and _refunds_in_ledger(account) == [D("1320.00")]


def test_a_refusal_at_once_is_recorded_and_changes_no_ledger(account, manager):
    refund, (order,) = settled_refund(account, "3000.00")
    # Refunded from the merchant's console meanwhile: the provider has nothing left to refund.
    SandboxTrade.objects.filter(out_trade_no=order.out_trade_no).update(state=SandboxTrade.State.REFUND)

    failed, _rest = refund_send_back(refund_id=refund.id, user=manager)

    assert failed.state == Refund.State.FAILED and "可退金额不足" in failed.reason
    assert failed.channel_parts.get().state == Part.FAILED
    assert _refunds_in_ledger(account) == [] and season_balance(account) == D("-1320.00")


def test_the_beat_task_settles_a_submitted_part(account, manager, settings):
    settings.SANDBOX_REFUNDS_ASYNC = True
    refund, (order,) = settled_refund(account, "1320.00", cash="1680.00")  # 1320 back, the whole order
    refund_send_back(refund_id=refund.id, user=manager)
    part = ChannelRefund.objects.get()

    assert channel_refunds_query(now=_later()) == []  # the provider is still processing it
    assert channel_refunds_query(now=timezone.now()) == []  # too fresh to ask about
    sandbox.refund_complete(part.refund_no)
    assert channel_refunds_query(now=_later()) == [part.id]
    assert channel_refunds_query(now=_later()) == []

    refund.refresh_from_db(), order.refresh_from_db()
    assert refund.state == Refund.State.PAID and order.state == PaymentOrder.State.REFUNDED
    assert _refunds_in_ledger(account) == [D("1320.00")]
    assert "heating.tasks.channel_refunds_query" in {e["task"] for e in app.conf.beat_schedule.values()}


def test_a_part_the_provider_never_received_is_asked_for_again_under_its_number(account, manager, settings):
    refund, _orders = settled_refund(account, "3000.00")
    settings.SANDBOX_REFUNDS_ASYNC = True
    refund_send_back(refund_id=refund.id, user=manager)
    part = ChannelRefund.objects.get()
    SandboxRefund.objects.all().delete()  # the request was lost on the way
    settings.SANDBOX_REFUNDS_ASYNC = False

    assert channel_refunds_query(now=_later()) == [part.id]
    assert SandboxRefund.objects.get().refund_no == part.refund_no
    refund.refresh_from_db()
    assert refund.state == Refund.State.PAID


def test_sending_back_twice_refunds_once(account, manager, settings):
    settings.SANDBOX_REFUNDS_ASYNC = True
    refund, _orders = settled_refund(account, "3000.00")
    refund_send_back(refund_id=refund.id, user=manager)
    with pytest.raises(ValidationError):
        refund_send_back(refund_id=refund.id, user=manager)
    part = ChannelRefund.objects.get()
    # The provider asked twice under one number refunds once.
    sandbox.Sandbox().refund(
        sandbox.merchant_config(sandbox.ProviderAccount.objects.get()),
        part.order.out_trade_no,
        refund_no=part.refund_no,
        amount=part.amount,
    )
    assert SandboxRefund.objects.count() == 1
    sandbox.refund_complete(part.refund_no)
    channel_refunds_query(now=_later())
    with pytest.raises(ValidationError):
        refund_send_back(refund_id=refund.id, user=manager)  # paid now
    assert _refunds_in_ledger(account) == [D("1320.00")] and ChannelRefund.objects.count() == 1


def test_a_refund_in_the_channel_cannot_be_paid_by_bank_or_cancelled(account, manager, settings):
    settings.SANDBOX_REFUNDS_ASYNC = True
    refund, _orders = settled_refund(account, "3000.00")
    refund_send_back(refund_id=refund.id, user=manager)
    with pytest.raises(ValidationError):
        refunds_mark_paid(
            refund_ids=[refund.id], bank_reference="B", paid_on=timezone.localdate(), user=manager
        )
    with pytest.raises(ValidationError):
        refund_cancel(refund_id=refund.id, reason="x", user=manager)
    assert _refunds_in_ledger(account) == []


def test_only_the_companys_managers_send_refunds_back(account, clerk):
    refund, _orders = settled_refund(account, "3000.00")
    stranger = MembershipFactory(organisation=CompanyFactory(code="OTHER"), role=Role.MANAGER).user
    for user in (clerk, stranger):
        with pytest.raises(PermissionDenied):
            refund_send_back(refund_id=refund.id, user=user)
    assert not ChannelRefund.objects.exists()
