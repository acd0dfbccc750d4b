"""Who held an account when (过户, POLICY.md §4)."""

import datetime
from dataclasses import dataclass

from heating.models import Account, Customer

ONE_DAY = datetime.timedelta(days=1)


@dataclass(frozen=True)
class Holding:
    customer: Customer
    since: datetime.date
    until: datetime.date | None  # the last day held; None while held


def account_holdings(account: Account) -> list[Holding]:
    """The account's holders in date order; an account never transferred has its customer from opening."""
    rows = list(account.holders.select_related("customer").order_by("from_date"))
    if not rows:
        return [Holding(account.customer, account.opened_on, account.closed_on)]
    ends = [row.from_date - ONE_DAY for row in rows[1:]] + [account.closed_on]
    return [Holding(row.customer, row.from_date, end) for row, end in zip(rows, ends, strict=True)]
