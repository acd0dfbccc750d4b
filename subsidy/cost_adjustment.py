"""Re-deriving a claim's figures when reviewers change its cost (POLICY.md §8): only the terms that
depend on `cost` move; the season's totals (revenue, areas, hardship, cap, offset) stay as frozen.
Pure: no Django, no database."""

from collections.abc import Mapping
from decimal import Decimal
from fractions import Fraction

from heating.billing.money import money, money_share

ZERO = Decimal("0.00")


def figures_at_cost(figures: Mapping[str, str], cost: Decimal) -> dict[str, str]:
    """The figures (the contract's two-decimal strings) with `cost` in place of the declared one."""
    term = {name: Decimal(value) for name, value in figures.items() if name != "exceptions"}
    area, res_area = term["area"], term["res_area"]
    res_cost = money_share(cost, Fraction(res_area) / Fraction(area)) if area else ZERO
    inversion = max(ZERO, res_cost - term["res_revenue"])
    eligible = term["hardship"] + term["cap"] + inversion
    actual_loss = max(ZERO, cost - term["revenue"])
    claim = max(ZERO, min(eligible, actual_loss) - term["offset"])
    changed = {
        "cost": cost,
        "res_cost": res_cost,
        "inversion": inversion,
        "eligible": eligible,
        "actual_loss": actual_loss,
        "claim": claim,
    }
    return {**figures, **{name: f"{money(value):.2f}" for name, value in changed.items()}}
