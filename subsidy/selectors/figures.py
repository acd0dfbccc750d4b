"""Every term of POLICY.md §8 for a company's season: the statement-borne sums from heating's season
totals (current issued statements, exceptions at their prepayment), the current declared cost and the
connection fees recorded for the season, put through subsidy.formula. Six queries, whatever the
number of accounts."""

from decimal import Decimal

from heating.models import SeasonTotals
from heating.selectors.season_totals import season_totals_compute
from subsidy.formula import ClaimFigures, ClaimInputs, claim_compute

from .costs import connection_fees_total, cost_declaration_current

STATEMENT_TERMS = ("revenue", "hardship", "cap", "area", "res_area", "res_revenue")


def declared_cost(company, start_year: int) -> Decimal:
    """The current declaration's total; nothing declared is a cost of 0 (so no claim)."""
    declaration = cost_declaration_current(company, start_year)
    return Decimal("0.00") if declaration is None else declaration.total


def _figures(company, start_year: int, sums) -> ClaimFigures:
    """`company` an Organisation or its id."""
    return claim_compute(
        ClaimInputs(
            **{term: sums[term] for term in STATEMENT_TERMS},
            cost=declared_cost(company, start_year),
            connection_fees=connection_fees_total(company, start_year),
            exceptions=sums["exceptions"],
        )
    )


def claim_figures(company, start_year: int) -> ClaimFigures:
    """Computed now from the season's current statements."""
    return _figures(company, start_year, season_totals_compute(company, start_year))


def claim_figures_of(totals: SeasonTotals) -> ClaimFigures:
    """From a stored SeasonTotals snapshot (what a claim names), with the current cost and fees."""
    sums = {term: getattr(totals, term) for term in (*STATEMENT_TERMS, "exceptions")}
    return _figures(totals.company_id, totals.season_year, sums)


def declared_cost_items(company, start_year: int) -> dict[str, str]:
    """The current declaration by category as two-decimal strings (what a claim freezes and reviewers
    adjust); nothing declared, nothing."""
    declaration = cost_declaration_current(company, start_year)
    if declaration is None:
        return {}
    return {name: f"{amount:.2f}" for name, _label, amount in declaration.items()}
