"""A season's bill for accounts, from their recorded facts, heat used, payments and price policy."""
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Sum

from heating.billing import METERED, AccountFacts, BillingError, Breakdown, bill
from heating.models import Account, Payment

from .consumption import Usage, season_consumption
from .facts import facts_for_season
from .policy import policy_for_season


@dataclass(frozen=True)
class SeasonBill:
    account_id: int
    facts: AccountFacts | None
    usage: Usage | None
    prepaid: Decimal
    breakdown: Breakdown | None
    # Why the engine refused the recorded facts (e.g. no heated part), when it did.
    problem: str | None = None

    @property
    def is_exception(self) -> bool:
        """Cannot be settled yet: no facts for the season, a metered account without Q, or facts the
        engine refuses (`problem`)."""
        return self.breakdown is None


def season_bills(accounts: Iterable[Account], start_year: int) -> dict[int, SeasonBill]:
    """Bills for many accounts in a fixed number of queries; exceptions carry no breakdown."""
    accounts = list(accounts)
    terms = policy_for_season(start_year).terms()
    facts = facts_for_season(accounts, start_year)
    metered = [a for a in accounts if a.id in facts and facts[a.id].method == METERED]
    usage = season_consumption(metered, start_year)
    paid = dict(
        Payment.objects.filter(account__in=accounts, season_year=start_year)
        .values("account_id")
        .annotate(total=Sum("amount"))
        .values_list("account_id", "total")
    )
    bills = {}
    for account in accounts:
        account_facts = facts.get(account.id)
        account_usage = usage.get(account.id)
        prepaid = paid.get(account.id) or Decimal("0.00")
        breakdown = problem = None
        if account_facts is not None:
            heat = account_usage.heat_gj if account_usage else None
            if account_facts.method != METERED or heat is not None:
                # One account's bad facts make that account an exception, not the whole run fail.
                try:
                    breakdown = bill(account_facts, terms, heat_gj=heat, prepaid=prepaid)
                except BillingError as exc:
                    problem = str(exc)
        bills[account.id] = SeasonBill(account.id, account_facts, account_usage, prepaid, breakdown, problem)
    return bills
