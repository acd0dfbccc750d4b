"""A reviewer's change of cost moves only the terms that depend on it (POLICY.md §8); pure, no DB."""

from decimal import Decimal

import pytest

from subsidy.formula import figures_at_cost

from .helpers import EXAMPLE_11

D = Decimal


def test_the_declared_cost_gives_example_11_unchanged():
    assert figures_at_cost(EXAMPLE_11, D("26000.00")) == EXAMPLE_11


def test_fuel_cut_by_1000_follows_through_every_term_that_depends_on_cost():
    after = figures_at_cost(EXAMPLE_11, D("25000.00"))

    # res_cost 25000 × 300 ÷ 800; inversion 9375 − 4500; eligible 225 + 600 + 4875;
    # actual_loss 25000 − 21175; claim min(5700, 3825) − 500.
    assert {k: after[k] for k in ("cost", "res_cost", "inversion", "eligible", "actual_loss", "claim")} == {
        "cost": "25000.00",
        "res_cost": "9375.00",
        "inversion": "4875.00",
        "eligible": "5700.00",
        "actual_loss": "3825.00",
        "claim": "3325.00",
    }
    assert {
        k: after[k] for k in ("revenue", "hardship", "cap", "area", "res_area", "offset", "exceptions")
    } == {
        k: EXAMPLE_11[k] for k in ("revenue", "hardship", "cap", "area", "res_area", "offset", "exceptions")
    }


@pytest.mark.parametrize(
    ("cost", "claim", "inversion"),
    [
        ("20000.00", "0.00", "3000.00"),  # cost below revenue: no actual loss, no claim
        ("21600.00", "0.00", "3600.00"),  # loss 425 below the offset 500: the offset does not carry
        ("40000.00", "10825.00", "10500.00"),  # eligible 11325 below the loss 18825: eligible − offset
        ("25000.00", "3325.00", "4875.00"),  # the loss 3825 below eligible 5700: loss − offset
        ("12000.00", "0.00", "0.00"),  # residential cost 4500 covered: no inversion
    ],
)
def test_the_claim_is_never_more_than_the_loss_nor_below_zero(cost, claim, inversion):
    after = figures_at_cost(EXAMPLE_11, D(cost))

    assert (after["claim"], after["inversion"]) == (claim, inversion)


def test_res_cost_is_rounded_once_half_up():
    figures = {**EXAMPLE_11, "area": "3.00", "res_area": "1.00"}

    assert figures_at_cost(figures, D("100.01"))["res_cost"] == "33.34"  # 33.3366…
    assert figures_at_cost(figures, D("0.05"))["res_cost"] == "0.02"  # 0.01666…


def test_a_season_without_area_allocates_no_residential_cost():
    assert (
        figures_at_cost({**EXAMPLE_11, "area": "0.00", "res_area": "0.00"}, D("500.00"))["res_cost"] == "0.00"
    )
