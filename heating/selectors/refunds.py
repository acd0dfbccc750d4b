"""Refunds and supplements for the company's page, the bank's export and the bureau's oversight."""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.db.models import Count, Q, Sum
from django.utils import timezone

from heating.models import Refund
from heating.models.policy import season_name

ZERO = Decimal("0.00")
State = Refund.State


def company_open_refunds(company, start_year: int | None):
    """The company's pending refunds and supplements of the season (of every season with None), by
    account number."""
    refunds = Refund.objects.filter(account__company=company, state=State.PENDING)
    if start_year is not None:
        refunds = refunds.filter(season_year=start_year)
    return refunds.select_related("account").order_by("kind", "account__number", "id")


def refunds_for_bank(company, start_year: int):
    """Pending refunds (money the company pays out) of the season, for the bank's transfer file."""
    return company_open_refunds(company, start_year).filter(kind=Refund.Kind.REFUND)


def latest_refund_season(company) -> int | None:
    return (
        Refund.objects.filter(account__company=company)
        .order_by("-season_year")
        .values_list("season_year", flat=True)
        .first()
    )


@dataclass(frozen=True)
class OversightRow:
    company: str
    season_year: int
    owed_count: int
    owed: Decimal
    paid_count: int
    paid: Decimal
    overdue_count: int
    overdue: Decimal

    @property
    def season(self) -> str:
        return season_name(self.season_year)


def refund_oversight(now: datetime.datetime | None = None) -> list[OversightRow]:
    """Per company and season: refunds still owed (pending or failed), paid out or credited on, and
    owed for longer than REFUND_DUE_DAYS since they were opened at settlement. One query."""
    due = (now or timezone.now()) - datetime.timedelta(days=settings.REFUND_DUE_DAYS)
    owed, paid = Q(state__in=Refund.OPEN), Q(state__in=(State.PAID, State.CREDITED))
    overdue = owed & Q(created_at__lt=due)
    rows = (
        Refund.objects.filter(kind=Refund.Kind.REFUND)
        .values("account__company__name", "season_year")
        .annotate(
            owed_count=Count("id", filter=owed),
            owed=Sum("amount", filter=owed),
            paid_count=Count("id", filter=paid),
            paid=Sum("amount", filter=paid),
            overdue_count=Count("id", filter=overdue),
            overdue=Sum("amount", filter=overdue),
        )
        .order_by("account__company__name", "-season_year")
    )

    def money(value) -> Decimal:
        return ZERO if value is None else Decimal(value).quantize(ZERO)

    return [
        OversightRow(
            company=row["account__company__name"],
            season_year=row["season_year"],
            owed_count=row["owed_count"],
            owed=money(row["owed"]),
            paid_count=row["paid_count"],
            paid=money(row["paid"]),
            overdue_count=row["overdue_count"],
            overdue=money(row["overdue"]),
        )
        for row in rows
    ]
