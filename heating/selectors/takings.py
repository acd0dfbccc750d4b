"""What the counter proposes for a payment, and a day's takings (日结)."""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Q, Sum

from heating.models import Account, LedgerEntry, Payment

from .bills import season_bills
from .ledger import CHARGES, ZERO, balance, cents, money_held
from .policy import NoPolicyInForce


def counter_season(today: datetime.date) -> int:
    """The season running today, or, between seasons, the next one (POLICY.md §3: 15 Nov – 15 Mar)."""
    return today.year - 1 if today <= datetime.date(today.year, 3, 15) else today.year


def amount_proposed(account: Account, season_year: int) -> Decimal:
    """What is due: the ledger balance once anything is charged; before that, the engine's
    prepayment less what is already paid. Zero when nothing is due or the engine cannot tell."""
    if LedgerEntry.objects.filter(account=account, season_year=season_year, kind__in=CHARGES).exists():
        return max(ZERO, balance(account.id, season_year))
    try:
        breakdown = season_bills([account], season_year)[account.id].breakdown
    except NoPolicyInForce:  # no price policy for that season yet: nothing to propose
        return ZERO
    if breakdown is None:
        return ZERO
    return max(ZERO, breakdown.prepayment - money_held([account.id], season_year).get(account.id, ZERO))


@dataclass(frozen=True)
class Takings:
    clerk: str
    channel: str
    count: int
    total: Decimal
    reversed_count: int
    reversed_total: Decimal

    @property
    def net(self) -> Decimal:
        return self.total - self.reversed_total


def day_takings(company, day: datetime.date, clerk=None) -> list[Takings]:
    """Payments entered on the day per clerk and channel, and the reversals entered that day (of
    payments of any day) shown apart and netted: two grouped queries. `clerk` keeps only theirs."""
    mine = Q(created_by=clerk) if clerk is not None else Q()
    taken = (
        Payment.objects.filter(mine, account__company=company, created_at__date=day)
        .exclude(channel=Payment.Channel.CREDIT)
        .values_list("created_by__username", "channel")
        .annotate(count=Count("id"), total=Sum("amount"))
    )
    theirs = Q(payment__created_by=clerk) if clerk is not None else Q()
    # A reversal negates the payment's entry (negative): its reversing entry is positive.
    reversed_ = (
        LedgerEntry.objects.filter(
            theirs,
            account__company=company,
            kind=LedgerEntry.Kind.REVERSAL,
            created_at__date=day,
            amount__gt=0,
        )
        .exclude(payment__channel=Payment.Channel.CREDIT)
        .values_list("payment__created_by__username", "payment__channel")
        .annotate(count=Count("payment_id", distinct=True), total=Sum("amount"))
    )
    rows: dict[tuple, list] = {}
    for clerk_name, channel, count, total in taken:
        rows[(clerk_name or "", channel)] = [count, cents(total), 0, ZERO]
    for clerk_name, channel, count, total in reversed_:
        row = rows.setdefault((clerk_name or "", channel), [0, ZERO, 0, ZERO])
        row[2:] = [count, cents(total)]
    labels = dict(Payment.Channel.choices)
    return [
        Takings(name, str(labels.get(channel, channel)), *figures)
        for (name, channel), figures in sorted(rows.items())
    ]
