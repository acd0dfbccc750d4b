"""The beat tasks: an open order whose notification never came is queried and applied; one never paid
is closed after the timeout (with the provider first)."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from config.celery import app
from heating import tasks
from heating.models import LedgerEntry, Payment, PaymentOrder, SandboxTrade
from heating.payments import sandbox
from heating.services.orders import notification_apply, orders_close_expired, orders_query_open

from .helpers import new_order, sandbox_company

pytestmark = pytest.mark.django_db


def _later(minutes):
    return timezone.now() + datetime.timedelta(minutes=minutes)


def test_both_tasks_are_on_the_beat_schedule():
    scheduled = {entry["task"] for entry in app.conf.beat_schedule.values()}
    assert {"heating.tasks.orders_query_open", "heating.tasks.orders_close_expired"} <= scheduled


def test_a_paid_order_without_a_notification_is_applied_by_the_query(settings):
    _merchant, account = sandbox_company()
    order = new_order(account)
    sandbox.trade_pay(order.out_trade_no)  # the notification is lost

    assert orders_query_open(now=_later(settings.ORDER_QUERY_AFTER_MINUTES - 1)) == []
    assert orders_query_open(now=_later(settings.ORDER_QUERY_AFTER_MINUTES + 1)) == [order.pk]
    assert orders_query_open(now=_later(settings.ORDER_QUERY_AFTER_MINUTES + 2)) == []

    order.refresh_from_db()
    assert order.state == PaymentOrder.State.PAID and order.payment.amount == Decimal("2016.00")
    assert LedgerEntry.objects.filter(kind=LedgerEntry.Kind.PAYMENT).count() == 1


def test_the_late_notification_after_the_query_is_a_duplicate(settings):
    _merchant, account = sandbox_company()
    order = new_order(account)
    headers, body = sandbox.trade_pay(order.out_trade_no)
    orders_query_open(now=_later(settings.ORDER_QUERY_AFTER_MINUTES + 1))

    assert notification_apply(provider="sandbox", headers=headers, body=body).verdict == "duplicate"
    assert Payment.objects.count() == 1


def test_an_unpaid_order_is_left_open_by_the_query_and_closed_after_the_timeout(settings):
    _merchant, account = sandbox_company()
    order = new_order(account)

    assert orders_query_open(now=_later(settings.ORDER_TIMEOUT_MINUTES + 1)) == []
    assert orders_close_expired(now=_later(settings.ORDER_TIMEOUT_MINUTES - 1)) == []
    assert orders_close_expired(now=_later(settings.ORDER_TIMEOUT_MINUTES + 1)) == [order.pk]

    order.refresh_from_db()
    assert order.state == PaymentOrder.State.CLOSED and order.closed_at is not None
    assert SandboxTrade.objects.get(out_trade_no=order.out_trade_no).state == SandboxTrade.State.CLOSED
    assert not Payment.objects.exists()


def test_a_notification_for_a_closed_order_is_refused(settings):
    merchant, account = sandbox_company()
    order = new_order(account)
    orders_close_expired(now=_later(settings.ORDER_TIMEOUT_MINUTES + 1))
    headers, body = sandbox.notification_sign(
        merchant.merchant_id,
        {
            "out_trade_no": order.out_trade_no,
            "transaction_id": "SBX1",
            "amount": "2016.00",
            "trade_state": "SUCCESS",
        },
    )

    assert notification_apply(provider="sandbox", headers=headers, body=body).verdict == "order_closed"
    assert not Payment.objects.exists()


def test_an_order_paid_just_before_the_timeout_is_applied_not_closed(settings):
    _merchant, account = sandbox_company()
    order = new_order(account)
    sandbox.trade_pay(order.out_trade_no)

    assert orders_close_expired(now=_later(settings.ORDER_TIMEOUT_MINUTES + 1)) == []

    order.refresh_from_db()
    assert order.state == PaymentOrder.State.PAID
    assert Payment.objects.count() == 1


def test_the_tasks_call_the_services():
    _merchant, account = sandbox_company()
    new_order(account)

    assert tasks.orders_query_open.delay().get() == []
    assert tasks.orders_close_expired.delay().get() == []
