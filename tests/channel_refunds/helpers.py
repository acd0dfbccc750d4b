"""A settled season paid (in part) through sandbox orders, for the refunds sent back through them."""

from decimal import Decimal

from heating.models import LedgerEntry, Refund
from heating.payments import sandbox
from heating.services.orders import notification_apply, order_create
from heating.services.refunds import refunds_open_for_season
from tests.settlement.helpers import SEASON, pay, settle

D = Decimal
# What make_account's 80 m² flat costs for the season (80 × 21 元/m²).
FEE = D("1680.00")


def paid_order(account, amount):
    """An order of `amount` for SEASON, paid through the sandbox and its signed notification."""
    LedgerEntry.objects.create(
        account=account, season_year=SEASON, kind=LedgerEntry.Kind.PREPAYMENT_DUE, amount=D(amount)
    )
    order = order_create(account=account, season_year=SEASON, purpose="prepayment", provider="sandbox").order
    headers, body = sandbox.trade_pay(order.out_trade_no)
    assert notification_apply(provider="sandbox", headers=headers, body=body).verdict == "applied"
    order.refresh_from_db()
    return order


def settled_refund(account, *orders, cash=None) -> Refund:
    """Pay the orders (amounts), and cash if given, settle the season and open its refund."""
    paid = [paid_order(account, amount) for amount in orders]
    if cash:
        pay(account, cash)
    settle(account.company, account)
    (refund,) = refunds_open_for_season(company=account.company, start_year=SEASON)
    assert refund.kind == Refund.Kind.REFUND
    return refund, paid


def season_balance(account):
    return sum((e.amount for e in LedgerEntry.objects.filter(account=account, season_year=SEASON)), D("0.00"))
