"""Decimal helpers: rounding of money and areas, exact products, and number formatting for bills."""

import math
from decimal import MAX_EMAX, MAX_PREC, MIN_EMIN, ROUND_HALF_UP, Context, Decimal
from fractions import Fraction
from functools import reduce

CENT = Decimal("0.01")

# Wide enough that a product is never rounded before `money` rounds it once (no double rounding).
_EXACT = Context(prec=MAX_PREC, Emax=MAX_EMAX, Emin=MIN_EMIN)


def _decimal(x: Decimal | int | str) -> Decimal:
    if isinstance(x, float):
        raise TypeError("use Decimal, not float, for money and areas")
    return x if isinstance(x, Decimal) else Decimal(x)


def money(x: Decimal | int | str) -> Decimal:
    """Round to 0.01 元, half up (POLICY §4: 0.005 goes up, unlike Python's banker's rounding)."""
    return _decimal(x).quantize(CENT, rounding=ROUND_HALF_UP, context=_EXACT)


def money_share(x: Decimal, share: Fraction | None) -> Decimal:
    """money(x × share), the share an exact fraction (days open ÷ days of the season, POLICY §4) that no
    Decimal holds: the product is kept exact and rounded once, half up. A share of None is the whole."""
    if share is None:
        return money(x)
    exact = Fraction(_decimal(x)) * share * 100
    cents = math.floor(abs(exact) + Fraction(1, 2))
    return Decimal(cents if exact >= 0 else -cents).scaleb(-2, context=_EXACT)


def area(x: Decimal | int | str) -> Decimal:
    """Round to 0.01 m², half up (POLICY §2)."""
    return money(x)


def product(*factors: Decimal | int) -> Decimal:
    """The exact product of the factors, whatever their number of digits."""
    return reduce(_EXACT.multiply, factors, Decimal(1))


def plain(x: Decimal) -> str:
    """Fixed-point text with at least two decimals and no digit dropped: 80 → "80.00", 91.013 → "91.013"."""
    cents = x.quantize(CENT, context=_EXACT)
    shown = cents if x == cents else x.normalize(_EXACT)
    return f"{shown:f}"


def percent(share: Decimal) -> str:
    """A share as a percentage: 0.30 → "30%", 1.30 → "130%"."""
    return f"{product(share, 100).normalize(_EXACT):f}%"
