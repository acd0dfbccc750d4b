from decimal import Decimal
from fractions import Fraction

import pytest

from heating.billing.money import CENT, area, money, money_share, percent, plain, product

D = Decimal


@pytest.mark.parametrize(
    "value, expected",
    [
        ("0.005", "0.01"),  # banker's rounding gives 0.00
        ("0.025", "0.03"),  # banker's rounding gives 0.02
        ("2.675", "2.68"),
        ("0.945", "0.95"),
        ("0.0049999", "0.00"),
        ("1680", "1680.00"),
        ("-0.005", "-0.01"),
    ],
)
def test_money_rounds_half_up_to_cents(value, expected):
    assert str(money(D(value))) == expected
    assert str(area(D(value))) == expected


def test_money_accepts_int_and_str_but_not_float():
    assert str(money(21)) == "21.00"
    assert str(money("0.015")) == "0.02"
    with pytest.raises(TypeError):
        money(0.015)


@pytest.mark.parametrize("value", ["7", "7.1", "7.123456", "1E+3", "0E-10", "-0"])
def test_every_amount_has_the_two_decimals_of_cent(value):
    """Whatever digits come in, an amount is stored and shown to the cent: "1E+3" is 1000.00."""
    amount = money(D(value))

    assert CENT.as_tuple() == (0, (1,), -2)
    assert amount.as_tuple().exponent == -2
    assert plain(amount) == f"{amount:f}"


def test_product_is_exact_so_money_rounds_only_once():
    tiny = D("0.00499999999999999999999999999999")  # 33 significant digits
    assert tiny * 1 == D("0.005")  # the default 28-digit context rounds it up to .005 ...
    assert product(tiny, 1) == tiny
    assert money(product(tiny, 1)) == D("0.00")  # ... which money() would have rounded to 0.01
    assert product(D("0.15"), D("21.00"), D("0.30")) == D("0.945")
    assert product() == 1


@pytest.mark.parametrize(
    "value, expected",
    [("80", "80.00"), ("80.5", "80.50"), ("91.0130", "91.013"), ("2E+1", "20.00"), ("0.000100", "0.0001")],
)
def test_plain_keeps_every_digit_and_at_least_two_decimals(value, expected):
    assert plain(D(value)) == expected


@pytest.mark.parametrize(
    "share, expected", [("0.30", "30%"), ("1.30", "130%"), ("0.5", "50%"), ("1", "100%"), ("0.755", "75.5%")]
)
def test_percent(share, expected):
    assert percent(D(share)) == expected


@pytest.mark.parametrize(
    "value, share, expected",
    [
        ("2100.21", Fraction(1, 2), "1050.11"),  # 1050.105 exactly: half up
        ("1680", Fraction(1, 121), "13.88"),  # 13.8842975…
        ("1680", Fraction(100, 121), "1388.43"),  # 1388.4297…
        ("0.01", Fraction(1, 2), "0.01"),  # 0.005
        ("0.01", Fraction(61, 122), "0.01"),
        ("-0.01", Fraction(1, 2), "-0.01"),
        ("1680", None, "1680.00"),
        # A share no Decimal holds is never rounded before the end: 1/3 of 0.015 is 0.005 exactly.
        ("0.015", Fraction(1, 3), "0.01"),
    ],
)
def test_money_share_keeps_the_fraction_exact_and_rounds_once_half_up(value, share, expected):
    result = money_share(D(value), share)
    assert str(result) == expected
