"""Balances and totals as sums of the ledger (heating.models.ledger states the sign)."""

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Q, Sum

from heating.models import LedgerEntry

ZERO = Decimal("0.00")
CENT = Decimal("0.01")
Kind = LedgerEntry.Kind
# What the household owes for the season; every other kind moves money.
CHARGES = (Kind.PREPAYMENT_DUE, Kind.SETTLEMENT)
RECEIVED = (Kind.PAYMENT, Kind.SUPPLEMENT, Kind.CREDIT_IN, Kind.REVERSAL)
PAID_OUT = (Kind.REFUND, Kind.CREDIT_OUT)


def cents(total) -> Decimal:
    """SQLite adds decimals as binary floats (1.4e-14 for a sum that is 0): the ledger holds cents,
    so the sum rounded to cents is exact on every database."""
    return ZERO if total is None else Decimal(total).quantize(CENT)


def _per_account(entries) -> dict[int, Decimal]:
    rows = entries.values("account_id").annotate(total=Sum("amount")).values_list("account_id", "total")
    return {account_id: cents(total) for account_id, total in rows}


def _season(account_ids: Iterable[int], season_year: int):
    return LedgerEntry.objects.filter(account_id__in=list(account_ids), season_year=season_year)


def balances(account_ids: Iterable[int], season_year: int) -> dict[int, Decimal]:
    """Σ amount per account for the season (> 0 owed by the household, < 0 owed to it); one query."""
    return _per_account(_season(account_ids, season_year))


def balance(account_id: int, season_year: int) -> Decimal:
    return balances([account_id], season_year).get(account_id, ZERO)


def money_held(account_ids: Iterable[int], season_year: int) -> dict[int, Decimal]:
    """Money the company holds for the season per account: received less paid back (one query).
    This is a statement's `prepaid`: what the household has paid for the season to date."""
    held = _per_account(_season(account_ids, season_year).exclude(kind__in=CHARGES))
    return {account_id: ZERO - total for account_id, total in held.items()}


def prepayments_due(account_ids: Iterable[int], season_year: int) -> dict[int, Decimal]:
    """The prepayment charged before the season, per account (one query)."""
    return _per_account(_season(account_ids, season_year).filter(kind=Kind.PREPAYMENT_DUE))


@dataclass(frozen=True)
class SeasonTotals:
    charged: Decimal  # settlement entries: Σ amount due of the current statements
    received: Decimal  # payments, supplements and credits in, less reversals
    paid_out: Decimal  # refunds paid and credits carried to the next season
    # Σ of the negative, and of the positive, account balances: refunds owed to households and
    # supplements owed by them once settled (before settlement, money paid in advance is negative).
    open_refunds: Decimal
    open_supplements: Decimal


def season_totals(company, season_year: int) -> SeasonTotals:
    """The company's season from the ledger: two queries, whatever the number of accounts."""
    entries = LedgerEntry.objects.filter(account__company=company, season_year=season_year)
    sums = entries.aggregate(
        charged=Sum("amount", filter=Q(kind=Kind.SETTLEMENT)),
        received=Sum("amount", filter=Q(kind__in=RECEIVED)),
        paid_out=Sum("amount", filter=Q(kind__in=PAID_OUT)),
    )
    # Over the per-account balances, in the database: a subquery grouped by account.
    open_items = (
        entries.values("account_id")
        .annotate(total=Sum("amount"))
        .aggregate(
            refunds=Sum("total", filter=Q(total__lt=0)),
            supplements=Sum("total", filter=Q(total__gt=0)),
        )
    )
    return SeasonTotals(
        charged=cents(sums["charged"]),
        received=ZERO - cents(sums["received"]),
        paid_out=cents(sums["paid_out"]),
        open_refunds=ZERO - cents(open_items["refunds"]),
        open_supplements=cents(open_items["supplements"]),
    )
