"""A resident's bill for one season (the portal's /me/<company>/<account>/<season>/ and its PDF): what
was asked in advance, what arrived, the statement line by line, and what is left to do, in a number of
queries that does not grow with the season's payments, entries, statement versions or the account's
seasons. The caller has scoped the account (heating.selectors.scope.resident_bill_account_or_404)."""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import get_language

from heating.models import (
    Account,
    ChannelRefund,
    LedgerEntry,
    Payment,
    Refund,
    ServiceCounter,
    Statement,
)
from heating.models.policy import season_days, season_name

from .account_page import StatementView, statement_views
from .bill_seasons import open_seasons, shown_season
from .bills import season_bills
from .ledger import ZERO, cents
from .notices import notices_for_season
from .policy import NoPolicyInForce
from .statements import exception_reason

Kind = LedgerEntry.Kind
RECEIVING = (Kind.PAYMENT, Kind.SUPPLEMENT, Kind.CREDIT_IN)


@dataclass(frozen=True)
class Received:
    """A payment for the season; `reversed` when it was undone (a bounced transfer, a wrong account)."""

    payment: Payment
    reversed: bool


@dataclass(frozen=True)
class RefundView:
    refund: Refund
    # When the household can expect the money: REFUND_DUE_DAYS after the refund was opened, the same
    # deadline the bureau's oversight page counts a pending refund overdue by. None once it is done.
    expected_on: datetime.date | None


def refund_expected_on(opened: datetime.date) -> datetime.date:
    return opened + datetime.timedelta(days=settings.REFUND_DUE_DAYS)


@dataclass(frozen=True)
class SeasonBillPage:
    account: Account
    season_year: int
    seasons: list[int]  # every season the account has a bill for, newest first
    prepayment: Decimal | None  # 应预交: None when no price policy covers the season yet
    notice_lines: tuple[tuple[str, str], ...]  # how the notice computes the prepayment (before settlement)
    payments: list[Received]
    balance: Decimal  # Σ ledger: > 0 the household owes, < 0 it is owed, as heating.selectors.ledger sums
    statement: StatementView | None  # the one in force
    superseded: list[StatementView]  # older versions, newest first
    refunds: list[RefundView]
    exception: str | None  # why the season, over, is not settled yet
    season_over: bool
    counters: list[ServiceCounter]

    @property
    def season(self) -> str:
        return season_name(self.season_year)

    @property
    def season_names(self) -> list[str]:
        return [season_name(year) for year in self.seasons]

    @property
    def season_last_day(self) -> datetime.date:
        return season_days(self.season_year)[1]

    @property
    def received(self) -> Decimal:
        return sum((r.payment.amount for r in self.payments if not r.reversed), ZERO)

    @property
    def settled(self) -> bool:
        return self.statement is not None

    @property
    def to_pay(self) -> Decimal:
        """What the household still has to pay: the settled balance, or, before settlement, the
        prepayment asked less what arrived."""
        if self.settled:
            return max(ZERO, self.balance)
        return max(ZERO, (self.prepayment or ZERO) - self.received)

    @property
    def to_refund(self) -> Decimal:
        """What the company still owes the household once the season is settled."""
        return max(ZERO, -self.balance) if self.settled else ZERO

    @property
    def refund_expected_on(self) -> datetime.date | None:
        """For a refund owed but not opened yet: counted from the statement's issue."""
        if not self.to_refund or any(r.expected_on for r in self.refunds):
            return None
        return refund_expected_on(timezone.localdate(self.statement.statement.issued_at))


def bill_seasons(account: Account, today: datetime.date) -> list[int]:
    """The seasons with a statement, a ledger entry or a payment, and those of
    heating.selectors.bill_seasons.open_seasons; two queries."""
    years = set(
        Statement.objects.filter(account=account)
        .order_by()
        .values_list("season_year", flat=True)
        .union(
            LedgerEntry.objects.filter(account=account).order_by().values_list("season_year", flat=True),
            Payment.objects.filter(account=account).order_by().values_list("season_year", flat=True),
        )
    )
    return sorted(years | open_seasons(account, today, shown_season(today)), reverse=True)


def _payments(entries: list[LedgerEntry]) -> list[Received]:
    undone = {e.payment_id for e in entries if e.kind == Kind.REVERSAL}
    return sorted(
        (Received(e.payment, e.payment_id in undone) for e in entries if e.kind in RECEIVING and e.payment),
        key=lambda r: (r.payment.paid_on, r.payment.id),
    )


def _refund_views(refunds: list[Refund]) -> list[RefundView]:
    return [
        RefundView(
            r,
            refund_expected_on(timezone.localdate(r.created_at))
            if r.kind == Refund.Kind.REFUND and r.state in Refund.OPEN
            else None,
        )
        for r in refunds
    ]


def _before_settlement(account: Account, start_year: int, charged: Decimal, today: datetime.date):
    """(prepayment, notice lines, exception) of a season not settled yet: the prepayment charged in the
    ledger, else the one the notice computes (POLICY.md §6); once the season is over, why it is not
    settled when the engine cannot settle it."""
    lang = get_language() or "zh-hans"
    try:
        [notice] = notices_for_season([account], start_year, lang)
    except NoPolicyInForce:
        return (charged or None), (), None
    prepayment = charged or (notice.breakdown.prepayment if notice.breakdown else None)
    exception = None
    if today > season_days(start_year)[1]:
        season_bill = season_bills([account], start_year)[account.id]
        if season_bill.is_exception:
            exception = exception_reason(season_bill)
    return prepayment, notice.lines, exception


def season_bill_page(account: Account, start_year: int, *, today: datetime.date) -> SeasonBillPage | None:
    """The account's bill for the season, or None when the account has no bill for that season."""
    seasons = bill_seasons(account, today)
    if start_year not in seasons:
        return None
    entries = list(
        LedgerEntry.objects.filter(account=account, season_year=start_year)
        .select_related("payment")
        .order_by("id")
    )
    views = statement_views(
        list(
            Statement.objects.filter(account=account, season_year=start_year)
            .select_related("policy", "issued_by")
            .order_by("-version")
        )
    )
    current = next((v for v in views if v.statement.status == Statement.Status.ISSUED), None)
    # What the notice asked, as the ledger charged it; settlement's closing entry is negative.
    charged = cents(sum(e.amount for e in entries if e.kind == Kind.PREPAYMENT_DUE and e.amount > 0))
    if current is not None:
        prepayment, notice_lines, exception = charged or current.statement.prepayment, (), None
    else:
        prepayment, notice_lines, exception = _before_settlement(account, start_year, charged, today)
    refunds = (
        Refund.objects.filter(account=account, season_year=start_year)
        .prefetch_related(
            Prefetch("channel_parts", queryset=ChannelRefund.objects.select_related("order").order_by("id"))
        )
        .order_by("id")
    )
    return SeasonBillPage(
        account=account,
        season_year=start_year,
        seasons=seasons,
        prepayment=prepayment,
        notice_lines=notice_lines,
        payments=_payments(entries),
        balance=cents(sum(e.amount for e in entries)),
        statement=current,
        superseded=[v for v in views if v is not current],
        refunds=_refund_views(list(refunds)),
        exception=exception,
        season_over=today > season_days(start_year)[1],
        counters=list(ServiceCounter.objects.filter(organisation=account.company_id).order_by("id")),
    )
