"""原路退回 through the real SDKs: a settlement refund sent back through a WeChat Pay order (asynchronous:
processing, then settled by the beat task) and an Alipay order (at once), the ledger following."""

import datetime

import pytest
from django.utils import timezone

from heating.models import ChannelRefund, LedgerEntry, PaymentOrder, Refund, Role
from heating.services.channel_refunds import channel_refunds_query, refund_send_back
from heating.services.orders import notification_apply, order_create
from heating.services.refunds import refunds_open_for_season
from tests.channel_refunds.helpers import D, season_balance
from tests.factories import MembershipFactory, make_account
from tests.settlement.helpers import SEASON, settle

pytestmark = pytest.mark.django_db


def _paid_and_settled(merchant, provider, pay):
    """An 80 m² flat (1,680.00 for the season) that prepaid 3,000.00 through one order of `provider`;
    settled, so 1,320.00 is owed back. The refund and the order."""
    account = make_account(company=merchant.company)
    LedgerEntry.objects.create(
        account=account, season_year=SEASON, kind=LedgerEntry.Kind.PREPAYMENT_DUE, amount=D("3000.00")
    )
    created = order_create(account=account, season_year=SEASON, purpose="prepayment", provider=provider)
    order = created.order
    headers, body = pay(created)
    assert notification_apply(provider=provider, headers=headers, body=body).verdict == "applied"
    settle(account.company, account)
    (refund,) = refunds_open_for_season(company=account.company, start_year=SEASON)
    return refund, order


def test_a_refund_goes_back_through_wechat_pay_and_settles_when_wechat_pay_says_so(wechat_server):
    merchant = wechat_server.merchant()
    manager = MembershipFactory(organisation=merchant.company, role=Role.MANAGER).user
    refund, order = _paid_and_settled(
        merchant, "wechat", lambda created: wechat_server.pay(created.order.out_trade_no)
    )

    sent, rest = refund_send_back(refund_id=refund.id, user=manager)

    (part,) = sent.channel_parts.all()
    assert rest is None and part.state == ChannelRefund.State.SUBMITTED and part.amount == D("1320.00")
    assert wechat_server.refunds[part.refund_no]["amount"]["refund"] == 132000
    assert sent.state != Refund.State.PAID and season_balance(order.account) == D("-1320.00")

    wechat_server.refunds[part.refund_no]["status"] = "SUCCESS"
    assert channel_refunds_query(now=timezone.now() + datetime.timedelta(minutes=5)) == [part.id]

    sent.refresh_from_db(), part.refresh_from_db(), order.refresh_from_db()
    assert sent.state == Refund.State.PAID and part.state == ChannelRefund.State.SUCCEEDED
    assert part.provider_refund_id == wechat_server.refunds[part.refund_no]["refund_id"]
    assert season_balance(order.account) == 0 and order.state == PaymentOrder.State.PAID


def test_a_refund_goes_back_through_alipay_at_once(alipay_gateway):
    merchant = alipay_gateway.merchant()
    manager = MembershipFactory(organisation=merchant.company, role=Role.MANAGER).user

    def pay(created):
        alipay_gateway.open(created.pay["pay_url"])
        return {}, alipay_gateway.pay(created.order.out_trade_no)

    refund, order = _paid_and_settled(merchant, "alipay", pay)
    sent, rest = refund_send_back(refund_id=refund.id, user=manager)

    (part,) = sent.channel_parts.all()
    assert rest is None and sent.state == Refund.State.PAID and part.state == ChannelRefund.State.SUCCEEDED
    assert alipay_gateway.trades[order.out_trade_no]["refunds"] == {part.refund_no: "1320.00"}
    assert season_balance(order.account) == 0
