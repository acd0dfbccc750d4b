"""Refunds and supplements for the company's page, the bank's export and the bureau's oversight."""

import datetime
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.db.models import Count, DecimalField, Exists, OuterRef, Prefetch, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from heating.models import ChannelRefund, Payment, PaymentOrder, Refund
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


def _in_channel():
    return Exists(ChannelRefund.objects.filter(refund=OuterRef("pk"), state__in=ChannelRefund.HOLDING))


def _total(queryset, group: str, field: str):
    """Σ field of the correlated queryset (one group), 0.00 when empty: a subquery."""
    money = DecimalField(max_digits=13, decimal_places=2)
    total = queryset.order_by().values(group).annotate(total=Sum(field)).values("total")
    return Coalesce(Subquery(total, output_field=money), Value(ZERO), output_field=money)


def refunds_for_bank(company, start_year: int):
    """Pending refunds (money the company pays out) of the season, for the bank's transfer file: not
    those sent back through a channel (heating.services.channel_refunds)."""
    return (
        company_open_refunds(company, start_year)
        .filter(kind=Refund.Kind.REFUND)
        .annotate(in_channel=_in_channel())
        .filter(in_channel=False)
    )


def company_refunds_page(company, start_year: int) -> list[Refund]:
    """The season's open refunds and supplements for the company's page, each with `in_channel`
    (money of it sent back through a channel, in flight or done), `channel_left` (what the season's
    paid online orders can still take back), `bank_rest` (what of it only the bank can pay) and its
    parts with their orders; three queries."""
    paid_orders = PaymentOrder.objects.filter(
        account=OuterRef("account"), season_year=OuterRef("season_year"), state=PaymentOrder.State.PAID
    )
    held = ChannelRefund.objects.filter(
        order__account=OuterRef("account"),
        order__season_year=OuterRef("season_year"),
        order__state=PaymentOrder.State.PAID,
        state__in=ChannelRefund.HOLDING,
    )
    refunds = list(
        Refund.objects.filter(account__company=company, season_year=start_year, state__in=Refund.OPEN)
        .select_related("account")
        .annotate(
            channel_left=_total(paid_orders, "account", "amount") - _total(held, "order__account", "amount"),
        )
        .prefetch_related(
            Prefetch("channel_parts", queryset=ChannelRefund.objects.select_related("order").order_by("id"))
        )
        .order_by("kind", "account__number", "id")
    )
    for refund in refunds:
        parts = refund.channel_parts.all()
        refund.in_flight = any(p.state == ChannelRefund.State.SUBMITTED for p in parts)
        refund.in_channel = any(p.state in ChannelRefund.HOLDING for p in parts)
        refund.channel_left = Decimal(refund.channel_left).quantize(ZERO)  # SQLite sums lose the scale
        refund.bank_rest = max(ZERO, refund.amount - refund.channel_left)
    return refunds


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
    # Of `paid`, what went back through each provider (原路退回), by its channel's name.
    channels: tuple[tuple[str, Decimal], ...] = ()

    @property
    def season(self) -> str:
        return season_name(self.season_year)


def refund_oversight(now: datetime.datetime | None = None) -> list[OversightRow]:
    """Per company and season: refunds still owed (pending or failed), paid out or credited on, and
    owed for longer than REFUND_DUE_DAYS since they were opened at settlement; of those paid, what
    went back through each provider. Two queries."""
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

    channels = defaultdict(list)
    for company, season_year, provider, total in (
        ChannelRefund.objects.filter(state=ChannelRefund.State.SUCCEEDED, refund__state=State.PAID)
        .values_list("refund__account__company__name", "refund__season_year", "order__provider")
        .annotate(total=Sum("amount"))
        .order_by("refund__account__company__name", "refund__season_year", "order__provider")
    ):
        label = Payment.Channel(provider).label if provider in Payment.Channel.values else provider
        channels[company, season_year].append((label, money(total)))

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
            channels=tuple(channels[row["account__company__name"], row["season_year"]]),
        )
        for row in rows
    ]
