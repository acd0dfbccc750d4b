"""我的供暖: a signed-in resident's homes, each with its billing area explained, its price class and
method, what needs attention and its seasons; in a number of queries that does not grow with the
accounts or seasons. Scoped by heating.selectors.scope.resident_accounts, the one place."""

import datetime
from collections import defaultdict
from dataclasses import dataclass, replace
from decimal import Decimal

from django.db.models import Sum
from django.urls import reverse
from django.utils.translation import get_language

from heating.billing import AREA, METERED, AccountFacts, BillingError, bill, render
from heating.models import Account, AreaDecision, LedgerEntry, Refund, Statement
from heating.models.policy import season_days, season_name

from .bill_seasons import open_seasons, shown_season
from .consumption import season_consumption
from .facts import facts_for_season
from .ledger import cents
from .lowincome import LowIncomeState, home_states
from .policy import policy_for_season
from .scope import resident_accounts
from .statements import facts_from_inputs

# The engine's lines that say how the billing area came about: each part and the share of it counted,
# the total, and the property-management authority's decision when one replaces it.
AREA_LINES = ("part", "part_scaled", "billing_area", "area_decision")


def bill_path(company_code: str, number: str, start_year: int) -> str:
    """A season's bill, at the address CONTRACTS.md fixes (printed notices carry it)."""
    return reverse(
        "resident-bill", kwargs={"company": company_code, "number": number, "season": season_name(start_year)}
    )


@dataclass(frozen=True)
class SeasonLink:
    season: str
    path: str
    settled: bool


@dataclass(frozen=True)
class Attention:
    """Something the household should know: `kind` is owed (a positive season balance), refund (money
    the company owes back: an open refund, or a settled season's negative balance not yet opened as
    one) or reading (a meter reading the season's bill needs, in words)."""

    kind: str
    season: str
    amount: Decimal | None = None
    state: str = ""
    path: str = ""
    text: str = ""


@dataclass(frozen=True)
class Home:
    account: Account
    season: str | None  # the season the facts below are of
    facts: AccountFacts | None
    settled: bool  # the facts as that season's statement stored them, not as recorded now
    billing_area: Decimal | None
    area_lines: tuple[str, ...]
    decision: AreaDecision | None
    attention: tuple[Attention, ...]
    seasons: tuple[SeasonLink, ...]
    low_income: LowIncomeState | None = None  # the application or certificate to show, if any


def _area(facts: AccountFacts, terms) -> tuple[Decimal | None, tuple[str, ...]]:
    """The billing area and its lines in the reader's language, by the engine (area method: the area
    does not depend on how the home is billed)."""
    try:
        breakdown = bill(replace(facts, method=AREA), terms)
    except BillingError:
        return None, ()
    lang = get_language() or ""
    return breakdown.billing_area, tuple(
        render(line, lang) for line in breakdown.lines if line.key in AREA_LINES
    )


def _reading_problems(accounts, facts, start_year: int, today: datetime.date) -> dict[int, list[tuple]]:
    """The readings the season's bill still lacks, per metered account not yet settled, as (start year,
    season, words); while the season is under way only the opening reading is due."""
    metered = [a for a in accounts if a.id in facts and facts[a.id].method == METERED]
    if not metered:
        return {}
    under_way = today <= season_days(start_year)[1]
    problems = {}
    for account_id, usage in season_consumption(metered, start_year).items():
        due = [p for p in usage.problems if not (under_way and p.code.endswith("_closing"))]
        if due:
            problems[account_id] = [(start_year, season_name(start_year), str(p)) for p in due]
    return problems


def resident_homes(user, *, today: datetime.date) -> list[Home]:
    """The user's homes, by company and 户号."""
    accounts = list(
        resident_accounts(user)
        .select_related("company", "premises__building")
        .order_by("company__code", "number")
    )
    if not accounts:
        return []
    ids = [a.id for a in accounts]
    issued = {
        (s.account_id, s.season_year): s
        for s in Statement.objects.filter(account_id__in=ids, status=Statement.Status.ISSUED).only(
            "account_id", "season_year", "inputs"
        )
    }
    settled: dict[int, set[int]] = defaultdict(set)
    for account_id, year in issued:
        settled[account_id].add(year)
    balances: dict[int, dict[int, Decimal]] = defaultdict(dict)
    for row in (
        LedgerEntry.objects.filter(account_id__in=ids)
        .values("account_id", "season_year")
        .annotate(total=Sum("amount"))
        .order_by("season_year")
    ):
        balances[row["account_id"]][row["season_year"]] = cents(row["total"])
    refunds: dict[int, list[Refund]] = defaultdict(list)
    for refund in Refund.objects.filter(
        account_id__in=ids, kind=Refund.Kind.REFUND, state__in=Refund.OPEN
    ).order_by("season_year", "id"):
        refunds[refund.account_id].append(refund)
    start_year = shown_season(today)
    facts, terms, decisions, readings = {}, None, {}, {}
    if start_year is not None:
        terms = policy_for_season(start_year).terms()
        facts = {
            a.id: facts_from_inputs(issued[a.id, start_year].inputs)
            for a in accounts
            if (a.id, start_year) in issued
        }
        live = [a for a in accounts if a.id not in facts]
        facts.update(facts_for_season(live, start_year))
        readings = _reading_problems(live, facts, start_year, today)
        for decision in (
            AreaDecision.objects.filter(account_id__in=ids, from_year__lte=start_year)
            .filter(decided_duty__isnull=False)
            .select_related("decided_by")
            .order_by("from_year")
        ):
            decisions[decision.account_id] = decision
    low_income = home_states(accounts, today=today)
    homes = []
    for account in accounts:
        account_facts = facts.get(account.id)
        billing_area, lines = _area(account_facts, terms) if account_facts else (None, ())
        decided = account_facts is not None and account_facts.area_decision is not None
        paths = _bill_paths(account, settled[account.id], balances[account.id], today, start_year)
        homes.append(
            Home(
                account=account,
                season=None if start_year is None else season_name(start_year),
                facts=account_facts,
                settled=start_year in settled[account.id],
                billing_area=billing_area,
                area_lines=lines,
                decision=decisions.get(account.id) if decided else None,
                attention=_attention(
                    paths,
                    balances[account.id],
                    settled[account.id],
                    refunds[account.id],
                    readings.get(account.id, ()),
                ),
                seasons=tuple(
                    SeasonLink(season_name(year), path, year in settled[account.id])
                    for year, path in paths.items()
                ),
                low_income=low_income.get(account.id),
            )
        )
    return homes


def _bill_paths(account, settled, balances, today, shown) -> dict[int, str]:
    """The home's seasons with a bill, newest first, and their addresses: every season with a statement
    or money in the ledger and those of open_seasons, as the bill page itself counts them."""
    years = {*settled, *balances} | open_seasons(account, today, shown)
    code, number = account.company.code, account.number
    return {year: bill_path(code, number, year) for year in sorted(years, reverse=True)}


def _attention(paths, balances, settled, refunds, readings) -> tuple[Attention, ...]:
    """Amounts owed, refunds on their way (opened, or a settled season's credit not yet opened as one),
    then readings missing, each linked to its season's bill when the season has one."""

    def path(year):
        return paths.get(year, "")

    items = [Attention("owed", season_name(y), b, path=path(y)) for y, b in balances.items() if b > 0]
    items += [
        Attention("refund", season_name(r.season_year), r.amount, state=r.state, path=path(r.season_year))
        for r in refunds
    ]
    opened = {r.season_year for r in refunds}
    items += [
        Attention("refund", season_name(y), -b, path=path(y))
        for y, b in balances.items()
        if b < 0 and y in settled and y not in opened
    ]
    items += [Attention("reading", season, text=text, path=path(year)) for year, season, text in readings]
    return tuple(items)
