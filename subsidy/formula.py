"""The county subsidy of a company's season (POLICY.md §8), every term from its inputs.

Pure: no database, no clock, Decimal only. Money is rounded half up to 0.01 元 where §8 says round
(res_cost once, from the exact quotient; offset once); every other term is a sum, difference or
bound of terms already in cents, so it is exact."""

from collections.abc import Mapping
from dataclasses import dataclass, fields, replace
from decimal import Decimal
from fractions import Fraction

from heating.billing.money import money, money_share, product

ZERO = Decimal("0.00")
# Half of the connection fees the county returned already is subsidy (POLICY.md §10.6).
OFFSET_SHARE = Decimal("0.5")


@dataclass(frozen=True)
class ClaimInputs:
    """What §8 starts from: the statement-borne sums, the audited cost and the returned fees."""

    revenue: Decimal
    hardship: Decimal
    cap: Decimal
    area: Decimal
    res_area: Decimal
    res_revenue: Decimal
    cost: Decimal
    connection_fees: Decimal
    exceptions: int = 0


@dataclass(frozen=True)
class ClaimFigures:
    """Every term of §8, in the order CONTRACTS.md prints them, plus the count of exceptions."""

    revenue: Decimal
    hardship: Decimal
    cap: Decimal
    cost: Decimal
    area: Decimal
    res_area: Decimal
    res_revenue: Decimal
    res_cost: Decimal
    inversion: Decimal
    eligible: Decimal
    actual_loss: Decimal
    connection_fees: Decimal
    offset: Decimal
    claim: Decimal
    exceptions: int

    def as_json(self) -> dict[str, str | int]:
        """CONTRACTS.md's object: each term a string with two decimals, `exceptions` a number."""
        out: dict[str, str | int] = {}
        for field in fields(self):
            value = getattr(self, field.name)
            out[field.name] = value if field.name == "exceptions" else f"{money(value):f}"
        return out

    def inputs(self) -> ClaimInputs:
        return ClaimInputs(**{field.name: getattr(self, field.name) for field in fields(ClaimInputs)})

    def with_cost(self, cost: Decimal) -> "ClaimFigures":
        """The same season with another audited cost (a reviewer's adjustment): every term follows."""
        return claim_compute(replace(self.inputs(), cost=cost))

    @classmethod
    def from_json(cls, figures: Mapping[str, str | int]) -> "ClaimFigures":
        """The figures back from CONTRACTS.md's object (a claim's frozen snapshot)."""
        return cls(
            **{
                field.name: int(figures.get("exceptions", 0))
                if field.name == "exceptions"
                else Decimal(figures[field.name])
                for field in fields(cls)
            }
        )


def figures_at_cost(figures: Mapping[str, str | int], cost: Decimal) -> dict[str, str | int]:
    """A claim's frozen figures with another audited cost: the season's sums stay, every term that
    depends on the cost follows."""
    return ClaimFigures.from_json(figures).with_cost(cost).as_json()


def residential_cost(cost: Decimal, res_area: Decimal, area: Decimal) -> Decimal:
    """round(cost × res_area ÷ area): the cost allocated by billing area, rounded once. No area, no cost."""
    if not area:
        return ZERO
    return money_share(cost, Fraction(res_area) / Fraction(area))


def claim_compute(inputs: ClaimInputs) -> ClaimFigures:
    for name in ("revenue", "hardship", "cap", "area", "res_area", "res_revenue", "cost", "connection_fees"):
        value = getattr(inputs, name)
        if not isinstance(value, Decimal):
            raise TypeError(f"{name} must be a Decimal, not {type(value).__name__}")
    res_cost = residential_cost(inputs.cost, inputs.res_area, inputs.area)
    inversion = max(ZERO, res_cost - inputs.res_revenue)  # 价格倒挂
    eligible = inputs.hardship + inputs.cap + inversion
    actual_loss = max(ZERO, inputs.cost - inputs.revenue)
    offset = money(product(inputs.connection_fees, OFFSET_SHARE))
    claim = max(ZERO, min(eligible, actual_loss) - offset)
    return ClaimFigures(
        revenue=inputs.revenue,
        hardship=inputs.hardship,
        cap=inputs.cap,
        cost=inputs.cost,
        area=inputs.area,
        res_area=inputs.res_area,
        res_revenue=inputs.res_revenue,
        res_cost=res_cost,
        inversion=inversion,
        eligible=eligible,
        actual_loss=actual_loss,
        connection_fees=inputs.connection_fees,
        offset=offset,
        claim=claim,
        exceptions=inputs.exceptions,
    )
