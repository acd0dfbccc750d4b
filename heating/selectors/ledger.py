"""Balances and totals as sums of the ledger (heating.models.ledger states the sign)."""

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Q, Sum

from heating.models import LedgerEntry

ZERO = Decimal("0.00")
Kind = LedgerEntry.Kind
# What the household owes for the season; every other kind moves money.
CHARGES = (Kind.PREPAYMENT_DUE, Kind.SETTLEMENT)
RECEIVED = (Kind.PAYMENT, Kind.SUPPLEMENT, Kind.CREDIT_IN, Kind.REVERSAL)
PAID_OUT = (Kind.REFUND, Kind.CREDIT_OUT)


def balances(account_ids: Iterable[int], season_year: int) -> dict[int, Decimal]:
    """Σ amount per account for the season (> 0 owed by the household, < 0 owed to it); one query."""
    rows = (
        LedgerEntry.objects.filter(account_id__in=list(account_ids), season_year=season_year)
        .values("account_id")
        .annotate(total=Sum("amount"))
        .values_list("account_id", "total")
    )
    return dict(rows)


def balance(account_id: int, season_year: int) -> Decimal:
    return balances([account_id], season_year).get(account_id, ZERO)


def money_held(account_ids: Iterable[int], season_year: int) -> dict[int, Decimal]:
    """Money the company holds for the season per account: received less paid back (one query).
    This is a statement's `prepaid`: what the household has paid for the season to date."""
    rows = (
        LedgerEntry.objects.filter(account_id__in=list(account_ids), season_year=season_year)
        .exclude(kind__in=CHARGES)
        .values("account_id")
        .annotate(total=Sum("amount"))
        .values_list("account_id", "total")
    )
    return {account_id: -total for account_id, total in rows}


@dataclass(frozen=True)
class SeasonTotals:
    charged: Decimal  # settlement entries: Σ amount due of the current statements
    received: Decimal  # payments, supplements and credits in, less reversals
    paid_out: Decimal  # refunds paid and credits carried to the next season
    open_refunds: Decimal  # owed to households
    open_supplements: Decimal  # owed by households


def season_totals(company, season_year: int) -> SeasonTotals:
    """The company's season from the ledger: two queries, whatever the number of accounts."""
    entries = LedgerEntry.objects.filter(account__company=company, season_year=season_year)
    sums = entries.aggregate(
        charged=Sum("amount", filter=Q(kind=Kind.SETTLEMENT)),
        received=Sum("amount", filter=Q(kind__in=RECEIVED)),
        paid_out=Sum("amount", filter=Q(kind__in=PAID_OUT)),
    )
    per_account = entries.values("account_id").annotate(total=Sum("amount")).values_list("total", flat=True)
    open_refunds = open_supplements = ZERO
    for total in per_account:
        if total < 0:
            open_refunds -= total
        else:
            open_supplements += total
    return SeasonTotals(
        charged=sums["charged"] or ZERO,
        received=-(sums["received"] or ZERO),
        paid_out=sums["paid_out"] or ZERO,
        open_refunds=open_refunds,
        open_supplements=open_supplements,
    )
