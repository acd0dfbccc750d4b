"""A manager's season in figures: prepayments collected by building, readings by route, accounts
still unsettled, refunds, and the day's takings. Each figure is one query, whatever the counts."""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Exists, OuterRef, Q, Sum
from django.utils import timezone

from heating.models import Account, Building, LedgerEntry, Payment, Reading, Refund, Route, Statement
from heating.models.policy import season_days
from heating.selectors.ledger import RECEIVED, ZERO, cents

Kind = LedgerEntry.Kind
# The day's takings are money in hand: a credit moves a refund between seasons, no cash.
TAKINGS = (Kind.PAYMENT, Kind.SUPPLEMENT, Kind.REVERSAL)
UNSETTLED_SHOWN = 20


def _midnight(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time()))


def season_window(start_year: int) -> tuple[datetime.datetime, datetime.datetime]:
    """The season's first moment and the first moment after its last day."""
    first_day, last_day = season_days(start_year)
    return _midnight(first_day), _midnight(last_day + datetime.timedelta(days=1))


def latest_ledger_season(company) -> int | None:
    return (
        LedgerEntry.objects.filter(account__company=company)
        .order_by("-season_year")
        .values_list("season_year", flat=True)
        .first()
    )


@dataclass(frozen=True)
class Collection:
    label: str
    due: Decimal
    received: Decimal

    @property
    def rate(self) -> Decimal | None:
        """Received as a percentage of due, to one decimal; None when nothing was due."""
        if not self.due:
            return None
        return (self.received * 100 / self.due).quantize(Decimal("0.1"))


def collection_by_building(company, start_year: int) -> list[Collection]:
    """Per building: the prepayment charged before the season (the prepayment-due entries a
    settlement writes to close it are not a charge) and the money received for the season."""
    entries = "premises__accounts__ledger"
    season = Q(**{f"{entries}__season_year": start_year})
    rows = (
        Building.objects.filter(company=company)
        .annotate(
            due=Sum(
                f"{entries}__amount",
                filter=season & Q(**{f"{entries}__kind": Kind.PREPAYMENT_DUE, f"{entries}__amount__gt": 0}),
            ),
            received=Sum(f"{entries}__amount", filter=season & Q(**{f"{entries}__kind__in": RECEIVED})),
        )
        .order_by("code")
        .values_list("code", "name", "due", "received")
    )
    return [
        Collection(f"{code} {name}", cents(due), ZERO - cents(received))
        for code, name, due, received in rows
    ]


@dataclass(frozen=True)
class RouteReadings:
    label: str
    readings: int


def readings_by_route(company, start_year: int) -> list[RouteReadings]:
    """Readings entered in the season (void ones not counted) on each of the company's routes."""
    start, end = season_window(start_year)
    readings = "buildings__premises__accounts__meters__readings"
    rows = (
        Route.objects.filter(company=company)
        .annotate(
            readings=Count(
                readings,
                filter=Q(**{f"{readings}__read_at__gte": start, f"{readings}__read_at__lt": end})
                & ~Q(**{f"{readings}__status": Reading.Status.VOID}),
            )
        )
        .order_by("code")
        .values_list("code", "name", "readings")
    )
    return [RouteReadings(f"{code} {name}", count) for code, name, count in rows]


@dataclass(frozen=True)
class Unsettled:
    count: int
    numbers: list  # the first UNSETTLED_SHOWN account numbers


def unsettled_accounts(company, start_year: int) -> Unsettled:
    """Accounts open at some time in the season with no issued statement for it (two queries)."""
    first_day, last_day = season_days(start_year)
    accounts = (
        Account.objects.filter(company=company, opened_on__lte=last_day)
        .filter(Q(closed_on__isnull=True) | Q(closed_on__gte=first_day))
        .exclude(
            Exists(
                Statement.objects.filter(
                    account=OuterRef("pk"), season_year=start_year, status=Statement.Status.ISSUED
                )
            )
        )
    )
    numbers = list(accounts.order_by("number").values_list("number", flat=True)[:UNSETTLED_SHOWN])
    return Unsettled(accounts.count(), numbers)


@dataclass(frozen=True)
class Refunds:
    owed: Decimal  # pending or failed: still to pay
    paid: Decimal
    credited: Decimal  # carried to the next season instead of paid out


def season_refunds(company, start_year: int) -> Refunds:
    amounts = Refund.objects.filter(
        account__company=company, season_year=start_year, kind=Refund.Kind.REFUND
    ).aggregate(
        owed=Sum("amount", filter=Q(state__in=Refund.OPEN)),
        paid=Sum("amount", filter=Q(state=Refund.State.PAID)),
        credited=Sum("amount", filter=Q(state=Refund.State.CREDITED)),
    )
    return Refunds(cents(amounts["owed"]), cents(amounts["paid"]), cents(amounts["credited"]))


@dataclass(frozen=True)
class Takings:
    channel: str
    payments: int
    amount: Decimal


def takings_on(company, day: datetime.date) -> list[Takings]:
    """Money taken on a day by channel, whatever the season it pays for: the ledger entries written
    that day (so a reversal that day takes its payment back out), credits excluded."""
    start, end = _midnight(day), _midnight(day + datetime.timedelta(days=1))
    rows = (
        LedgerEntry.objects.filter(
            account__company=company, kind__in=TAKINGS, created_at__gte=start, created_at__lt=end
        )
        .exclude(payment__channel=Payment.Channel.CREDIT)
        .values("payment__channel")
        .annotate(amount=Sum("amount"), payments=Count("payment", filter=~Q(kind=Kind.REVERSAL)))
        .values_list("payment__channel", "payments", "amount")
    )
    labels = dict(Payment.Channel.choices)
    taken = {channel: (count, ZERO - cents(amount)) for channel, count, amount in rows}
    return [
        Takings(labels[channel], *taken[channel]) for channel in Payment.Channel.values if channel in taken
    ]
