"""What a bill says is left to do, from its figures alone (no database): the settled balance, or before
settlement the prepayment less what arrived (a reversed payment not counted); a refund's expected day."""

import datetime
from decimal import Decimal
from types import SimpleNamespace

import pytest

from heating.selectors.bill import Received, SeasonBillPage, refund_expected_on

D = Decimal


def bill(*, prepayment="1680.00", paid=(), balance="0.00", settled=False) -> SeasonBillPage:
    return SeasonBillPage(
        account=None,
        season_year=2019,
        seasons=[2019],
        prepayment=None if prepayment is None else D(prepayment),
        notice_lines=(),
        payments=[Received(SimpleNamespace(amount=D(amount)), reversed) for amount, reversed in paid],
        balance=D(balance),
        statement=object() if settled else None,
        superseded=[],
        refunds=[],
        exception=None,
        season_over=True,
        counters=[],
    )


@pytest.mark.parametrize(
    ("season_bill", "to_pay", "to_refund"),
    [
        (bill(paid=[("1000.00", False)]), "680.00", "0.00"),
        (bill(paid=[("1000.00", False), ("680.00", True)]), "680.00", "0.00"),
        (
            bill(paid=[("2000.00", False)]),
            "0.00",
            "0.00",
        ),  # overpaid: refunded only once settled
        (bill(prepayment=None), "0.00", "0.00"),  # no price policy for the season yet
        (bill(balance="680.00", settled=True), "680.00", "0.00"),
        (bill(balance="-530.00", settled=True), "0.00", "530.00"),
        (bill(balance="0.00", settled=True, paid=[("10.00", False)]), "0.00", "0.00"),
    ],
)
def test_what_is_left_to_do(season_bill, to_pay, to_refund):
    assert (season_bill.to_pay, season_bill.to_refund) == (D(to_pay), D(to_refund))


def test_a_refund_is_expected_refund_due_days_after_it_was_opened(settings):
    settings.REFUND_DUE_DAYS = 30

    assert refund_expected_on(datetime.date(2020, 3, 20)) == datetime.date(2020, 4, 19)
