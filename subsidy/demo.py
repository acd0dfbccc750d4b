"""The demo county's subsidy inputs, added by `manage.py seed_demo` (heating.demo.demo_seeded): each
demo company declares its season's cost and the finance bureau records the connection fees returned,
through the same services as the portal, so that `claim_figures DEMO1 2019-2020` shows a real claim.

A company's figures are sized from its season's revenue (a county heating company runs at a loss of
about a sixth of its takings), so any --accounts gives a sensible claim. Idempotent: a season that
already has a declaration, or fees, gets none again."""

import datetime
from decimal import ROUND_HALF_UP, Decimal

from django.db import transaction
from django.dispatch import receiver

from heating.billing.money import money, product
from heating.demo import demo_seeded
from heating.demo.county import COMPANIES, SEASONS
from heating.models import Duty, Membership, Organisation, Role
from heating.selectors.season_totals import season_totals_compute
from subsidy.models import ConnectionFee, CostDeclaration
from subsidy.services.costs import cost_declare
from subsidy.services.fees import connection_fee_record

COST_OF_REVENUE = Decimal("1.18")
# A heating company's cost by category (shares of the total; `other` takes the remainder).
COST_SHARES = {
    "fuel": Decimal("0.56"),
    "electricity": Decimal("0.09"),
    "water": Decimal("0.02"),
    "wages": Decimal("0.15"),
    "depreciation": Decimal("0.08"),
    "repairs": Decimal("0.04"),
    "management": Decimal("0.03"),
    "financial": Decimal("0.01"),
}
FEES_OF_REVENUE = Decimal("0.06")
HUNDRED = Decimal(100)


def _hundreds(x: Decimal) -> Decimal:
    return money((x / HUNDRED).quantize(Decimal(1), rounding=ROUND_HALF_UP) * HUNDRED)


def demo_costs(revenue: Decimal) -> dict[str, Decimal]:
    """A realistic declaration for a season's revenue, in whole hundreds of 元 by category."""
    total = _hundreds(product(revenue, COST_OF_REVENUE))
    amounts = {name: _hundreds(product(total, share)) for name, share in COST_SHARES.items()}
    amounts["other"] = total - sum(amounts.values())
    return amounts


@receiver(demo_seeded)
@transaction.atomic
def subsidy_demo_seed(sender, created: dict[str, int], **kwargs) -> None:
    finance = (
        Membership.objects.filter(organisation__duties__duty=Duty.SUBSIDY_APPROVE)
        .select_related("user")
        .order_by("id")
        .first()
    )
    declared = fees = 0
    for info in COMPANIES:
        company = Organisation.objects.get(code=info.code)
        manager = Membership.objects.filter(organisation=company, role=Role.MANAGER).order_by("id").first()
        for year in SEASONS:
            revenue = season_totals_compute(company, year)["revenue"]
            if not revenue:
                continue
            if manager and not CostDeclaration.objects.filter(company=company, season_year=year).exists():
                cost_declare(
                    company=company,
                    start_year=year,
                    user=manager.user,
                    amounts=demo_costs(revenue),
                    note="经审计的供暖季运营成本（演示数据）",
                )
                declared += 1
            if finance and not ConnectionFee.objects.filter(company=company, season_year=year).exists():
                connection_fee_record(
                    company=company,
                    start_year=year,
                    amount=_hundreds(product(revenue, FEES_OF_REVENUE)),
                    returned_on=datetime.date(year + 1, 6, 30),
                    reference=f"源财建〔{year + 1}〕{17 + COMPANIES.index(info)}号",
                    note="返还供热配套费（演示数据）",
                    user=finance.user,
                )
                fees += 1
    created["cost declarations"] = declared
    created["connection fees"] = fees
