"""A company's season summed from its current (issued) statements: the statement-borne terms of
POLICY.md §8, in four queries whatever the number of accounts. Σ is done by the database; SQLite adds
decimals as floats, and every summand holds cents, so each sum is rounded back to cents (exact)."""

from collections import defaultdict

from django.db.models import Count, DecimalField, Exists, F, Max, OuterRef, Q, Sum
from django.db.models.fields.json import KT

from heating.models import Account, LedgerEntry, SeasonTotals, Statement
from heating.models.policy import season_days

from .ledger import cents

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
    unsettled = season_accounts_unsettled(company, start_year)
    # An exception not yet settled counts at its prepayment (§8).
    prepayment = LedgerEntry.objects.filter(
        account__in=unsettled, season_year=start_year, kind=LedgerEntry.Kind.PREPAYMENT_DUE
    ).aggregate(total=Sum("amount"))["total"]
    exceptions_prepayment = cents(prepayment)
    money = {
        key: cents(sums[key])
        for key in ("revenue", "hardship", "cap", "area", "res_area", "res_revenue", "refunds", "supplements")
    }
    money["revenue"] += exceptions_prepayment
    return {
        "statements": sums["statements"],
        "last_statement_id": sums["last_statement_id"],
        "exceptions": unsettled.count(),
        "exceptions_prepayment": exceptions_prepayment,
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


