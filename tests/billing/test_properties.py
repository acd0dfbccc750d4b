"""Invariants of every bill the policy allows, over generated accounts."""

from hypothesis import given, settings
from hypothesis import strategies as st

from heating.billing import METERED, RESIDENTIAL

from .helpers import MONEY_FIELDS, bills


@settings(max_examples=200)
@given(bills(price_classes=(RESIDENTIAL,), methods=(METERED,)))
def test_residential_metered_fee_is_between_basic_fee_and_cap(result):
    assert result.basic_fee <= result.heating_fee <= result.cap


@given(bills(price_classes=(RESIDENTIAL,), methods=(METERED,), prepaid=st.none()))
def test_a_residential_metered_household_never_owes_more_than_its_prepayment(result):
    assert result.balance_due == 0


@given(bills())
def test_refund_and_balance_due_are_never_both_positive(result):
    assert result.refund == 0 or result.balance_due == 0
    assert result.prepaid - result.amount_due == result.refund - result.balance_due


@given(bills())
def test_the_fee_adds_up(result):
    assert result.heating_fee + result.exchanger_fee == result.gross_fee
    assert result.amount_due + result.low_income_discount == result.gross_fee
    assert 0 <= result.low_income_discount <= result.gross_fee
    assert result.cap_loss == 0 or result.heating_fee == result.cap


@given(bills())
def test_every_amount_and_the_billing_area_have_exactly_two_decimals(result):
    for name in (*MONEY_FIELDS, "billing_area"):
        value = getattr(result, name)
        assert value is None or value.as_tuple().exponent == -2, (name, value)
    for line in result.lines:
        assert line.amount is None or line.amount.as_tuple().exponent == -2, line
