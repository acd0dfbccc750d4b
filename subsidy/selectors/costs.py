"""The inputs of a company's season: its current cost declaration and the connection fees counted."""

from decimal import Decimal

from django.db.models import Sum

from heating.selectors.ledger import cents
from subsidy.models import ConnectionFee, CostDeclaration


def cost_declaration_current(company, start_year: int, *, lock: bool = False) -> CostDeclaration | None:
    """The newest declaration of the company's season (each later one replaces the one before)."""
    declarations = CostDeclaration.objects.filter(company=company, season_year=start_year)
    if lock:
        declarations = declarations.select_for_update()
    return declarations.order_by("-id").first()


def connection_fees_total(company, start_year: int) -> Decimal:
    """Σ of the fees recorded against the season, corrections included."""
    total = ConnectionFee.objects.filter(company=company, season_year=start_year).aggregate(
        total=Sum("amount")
    )["total"]
    return cents(total)
