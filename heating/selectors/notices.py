"""What a prepayment notice (缴费通知单) prints: each account's prepayment from the engine (POLICY.md §6),
with the lines that explain its billing area and price, for one account, a building or a route."""
from collections.abc import Iterable
from dataclasses import dataclass

from heating.billing import BillingError, Breakdown, prepayment_bill, render
from heating.models import Account

from .facts import facts_for_season
from .policy import policy_for_season

# The explanation lines a notice prints: how the billing area and the prepayment are computed.
NOTICE_LINES = (
    "part", "part_scaled", "billing_area", "area_decision", "price_class", "partial_season",
    "exchangers", "prepayment", "prepayment_partial", "prepayment_exchangers",
    "prepayment_exchangers_partial", "prepayment_low_income",
)


@dataclass(frozen=True)
class Notice:
    account: Account
    breakdown: Breakdown | None
    lines: tuple[tuple[str, str], ...]  # (label, amount or "") in the reader's language
    problem: str | None = None


def notice_accounts(company, *, building=None, route=None):
    """The company's accounts for a building or a route, in walking order; select_related for the page."""
    accounts = Account.objects.filter(company=company, closed_on__isnull=True).select_related(
        "customer", "premises__building", "company"
    )
    if building is not None:
        accounts = accounts.filter(premises__building=building)
    if route is not None:
        accounts = accounts.filter(premises__building__route=route)
    return accounts.order_by(
        "premises__building__route_order", "premises__building__code", "premises__unit", "id"
    )


def notices_for_season(accounts: Iterable[Account], start_year: int, lang: str = "zh-hans") -> list[Notice]:
    """A notice per account, in the order given, in a fixed number of queries. Prepayment is by area for
    every account, metered or not (§四), so a metered account is billed by area for it: its facts carry
    no exchangers, and heat used does not enter the prepayment."""
    accounts = list(accounts)
    terms = policy_for_season(start_year).terms()
    facts = facts_for_season(accounts, start_year)
    notices = []
    for account in accounts:
        account_facts = facts.get(account.id)
        if account_facts is None:
            notices.append(Notice(account, None, (), "no price terms for the season"))
            continue
        try:
            breakdown = prepayment_bill(account_facts, terms)
        except BillingError as exc:
            notices.append(Notice(account, None, (), str(exc)))
            continue
        lines = tuple(
            (render(line, lang), "" if line.amount is None else f"{line.amount:.2f}")
            for line in breakdown.lines
            if line.key in NOTICE_LINES
        )
        notices.append(Notice(account, breakdown, lines))
    return notices
