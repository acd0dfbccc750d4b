"""A company's season summed from its current (issued) statements: the statement-borne terms of
POLICY.md §8, in a fixed number of queries whatever the number of accounts (per 5,000 accounts not
settled yet, which count at their prepayment). Σ is done by the database; SQLite adds
decimals as floats, and every summand holds cents, so each sum is rounded back to cents (exact)."""

from collections import defaultdict

from django.db.models import Count, DecimalField, Exists, F, Max, OuterRef, Q, Sum
from django.db.models.fields.json import KT

from heating.batching import chunks
from heating.billing import BillingError, prepayment_bill
from heating.models import Account, SeasonTotals, Statement
from heating.models.policy import season_days

from .facts import facts_for_season
from .ledger import ZERO, cents, prepayments_due
from .policy import policy_for_season

# Classes billed at the regulated residential price (POLICY.md §1, §8: households and institutions).
RESIDENTIAL_PRICE = ("residential", "institution")
MONEY = DecimalField(max_digits=15, decimal_places=2)


def _current(company, start_year: int):
    return Statement.objects.filter(
        account__company=company, season_year=start_year, status=Statement.Status.ISSUED
    )


def season_accounts_unsettled(company, start_year: int):
    """The company's accounts open on some day of the season with no issued statement for it."""
    first, last = season_days(start_year)
    settled = Statement.objects.filter(
        account=OuterRef("pk"), season_year=start_year, status=Statement.Status.ISSUED
    )
    return (
        Account.objects.filter(company=company, opened_on__lte=last)
        .filter(Q(closed_on__isnull=True) | Q(closed_on__gte=first))
        .exclude(Exists(settled))
    )


def unsettled_prepayments(accounts, start_year: int, chunk: int = 5000):
    """Each account not settled yet at its prepayment, as (account, prepayment, billing area, price
    class): the engine's (by area, §四); an account whose facts the engine cannot bill at the
    prepayment charged in the ledger, if any, with no area and no class. A fixed number of queries per
    chunk of accounts."""
    accounts = list(accounts.only("id", "number", "premises_id", "opened_on", "closed_on"))
    if not accounts:
        return
    terms = policy_for_season(start_year).terms()
    for part in chunks(accounts, chunk):
        facts = facts_for_season(part, start_year)
        charged = prepayments_due([a.id for a in part], start_year)
        for account in part:
            try:
                breakdown = prepayment_bill(facts[account.id], terms) if account.id in facts else None
            except BillingError:
                breakdown = None
            if breakdown is None:
                yield account, cents(charged.get(account.id)), ZERO, None
            else:
                yield account, breakdown.prepayment, breakdown.billing_area, facts[account.id].price_class


def unsettled_at_prepayment(accounts, start_year: int, chunk: int = 5000) -> dict:
    """§8's terms of accounts not settled yet, each at its prepayment (unsettled_prepayments), counted
    in the residential-price sums by its price class."""
    out = {"accounts": 0} | dict.fromkeys(("prepayment", "area", "res_area", "res_revenue"), ZERO)
    for _account, prepayment, area, price_class in unsettled_prepayments(accounts, start_year, chunk):
        out["accounts"] += 1
        out["prepayment"] += prepayment
        out["area"] += area
        if price_class in RESIDENTIAL_PRICE:
            out["res_area"] += area
            out["res_revenue"] += prepayment
    return out


def season_totals_compute(company, start_year: int) -> dict:
    """The field values of a SeasonTotals row for the company's season (not saved)."""
    residential = Q(inputs__price_class__in=RESIDENTIAL_PRICE)
    sums = _current(company, start_year).aggregate(
        statements=Count("id"),
        last_statement_id=Max("id"),
        revenue=Sum("amount_due"),
        hardship=Sum("low_income_discount"),
        cap=Sum("cap_loss"),
        area=Sum("billing_area"),
        res_area=Sum("billing_area", filter=residential),
        # What the residential-price accounts would pay at the regulated price, no cap, no discount.
        res_revenue=Sum(
            F("amount_due") + F("low_income_discount") + F("cap_loss"), output_field=MONEY, filter=residential
        ),
        refunds=Sum("refund"),
        supplements=Sum("balance_due"),
    )
    by_class: dict[str, dict[str, int]] = defaultdict(dict)
    groups = (
        _current(company, start_year)
        .values(price_class=KT("inputs__price_class"), method=KT("inputs__method"))
        .annotate(n=Count("id"))
        .order_by("price_class", "method")
    )
    for row in groups:
        by_class[row["price_class"]][row["method"]] = row["n"]
    unsettled = unsettled_at_prepayment(season_accounts_unsettled(company, start_year), start_year)
    money = {
        key: cents(sums[key])
        for key in ("revenue", "hardship", "cap", "area", "res_area", "res_revenue", "refunds", "supplements")
    }
    for key in ("area", "res_area", "res_revenue"):
        money[key] += unsettled[key]
    money["revenue"] += unsettled["prepayment"]
    return {
        "statements": sums["statements"],
        "last_statement_id": sums["last_statement_id"],
        "exceptions": unsettled["accounts"],
        "exceptions_prepayment": unsettled["prepayment"],
        "accounts_by_class": dict(by_class),
        **money,
    }


def season_totals_latest(company, start_year: int) -> SeasonTotals | None:
    return (
        SeasonTotals.objects.filter(company=company, season_year=start_year)
        .select_related("computed_by", "job")
        .order_by("-id")
        .first()
    )


def season_totals_stale(totals: SeasonTotals) -> bool:
    """Statements issued (a settlement, a re-settlement superseding one) since the totals were summed."""
    newer = Statement.objects.filter(account__company_id=totals.company_id, season_year=totals.season_year)
    if totals.last_statement_id is not None:
        newer = newer.filter(id__gt=totals.last_statement_id)
    return newer.exists()
