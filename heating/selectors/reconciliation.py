"""The daily reconciliation's reads: a statement matched against the ledger (set-based: four queries
however long the statement), and the pages' lists.

What "the ledger's side" of a day is: the company's payments of the source's channel whose
`paid_on` is the day and that are not reversed. A statement row matches a payment by the order it
was paid for (商户订单号 = the order's out_trade_no) or by the provider's number (the order's
transaction id, or the payment's reference, which is what counter staff type and what a bank
collection records); a row whose payment is recorded on another day (a trade just before midnight)
matches it there and is no difference.
"""

import datetime
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING

from django.db.models import Exists, OuterRef

from heating.models import Account, LedgerEntry, Mismatch, Payment, PaymentOrder, Reconciliation

ZERO = Decimal("0.00")
Kind = Mismatch.Kind
Source = Reconciliation.Source
CHANNELS = {
    Source.WECHAT: Payment.Channel.WECHAT,
    Source.ALIPAY: Payment.Channel.ALIPAY,
    Source.BANK: Payment.Channel.BANK_COLLECTION,
}
RECENT_DAYS = 7

if TYPE_CHECKING:
    from heating.imports.statements import Statement, StatementRow


@dataclass
class Match:
    """What comparing a statement with the ledger found; the mismatches are not saved."""

    provider_count: int = 0
    provider_total: Decimal = ZERO
    ledger_count: int = 0
    ledger_total: Decimal = ZERO
    matched: int = 0
    mismatches: list[Mismatch] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        counted = Counter(m.kind for m in self.mismatches)
        return {kind: counted.get(kind, 0) for kind in Kind.values}


def _not_reversed():
    return ~Exists(LedgerEntry.objects.filter(payment=OuterRef("pk"), kind=LedgerEntry.Kind.REVERSAL))


_PAYMENT_FIELDS = (
    "id", "amount", "reference", "account_id", "season_year", "paid_on", "order__out_trade_no",
    "order__transaction_id",
)


def _ledger_day(company, source: str, day: datetime.date) -> list[dict]:
    return list(
        Payment.objects.filter(account__company=company, channel=CHANNELS[source], paid_on=day)
        .filter(_not_reversed())
        .values(*_PAYMENT_FIELDS)
        .order_by("id")
    )


def _orders(company, source: str, references: set[str]) -> dict[str, dict]:
    """The statement's orders by out_trade_no, with their payment if it still stands."""
    if source == Source.BANK or not references:
        return {}
    rows = (
        PaymentOrder.objects.filter(company=company, provider=source, out_trade_no__in=sorted(references))
        .annotate(
            standing=Exists(
                Payment.objects.filter(pk=OuterRef("payment_id")).filter(_not_reversed())
            )
        )
        .values(
            "id", "out_trade_no", "transaction_id", "state", "account_id", "season_year", "payment_id",
            "standing", "payment__amount", "payment__reference", "payment__paid_on",
        )
    )
    return {row["out_trade_no"]: row for row in rows}


def _order_payment(order: dict) -> dict | None:
    """An order's payment, in the shape of the ledger's rows, when it stands."""
    if not order or not order["standing"]:
        return None
    return {
        "id": order["payment_id"], "amount": order["payment__amount"],
        "reference": order["payment__reference"],
        "account_id": order["account_id"], "season_year": order["season_year"],
        "paid_on": order["payment__paid_on"], "order__out_trade_no": order["out_trade_no"],
        "order__transaction_id": order["transaction_id"],
    }


def _elsewhere(company, source: str, keys: set[str], day) -> dict[str, dict]:
    """Standing payments of the channel on other days recorded under one of the statement's numbers."""
    if not keys:
        return {}
    rows = (
        Payment.objects.filter(account__company=company, channel=CHANNELS[source], reference__in=sorted(keys))
        .exclude(paid_on=day)
        .filter(_not_reversed())
        .values(*_PAYMENT_FIELDS)
    )
    return {row["reference"]: row for row in rows}


def _accounts(company, source: str, numbers: set[str]) -> dict[str, int]:
    if source != Source.BANK or not numbers:
        return {}
    return dict(
        Account.objects.filter(company=company, number__in=sorted(numbers)).values_list("number", "id")
    )


def statement_match(company, statement: "Statement") -> Match:
    """Every difference between the statement and the ledger's side of its day (module docstring)."""
    source, day = statement.source, statement.day
    payments = statement.payments
    ledger = _ledger_day(company, source, day)
    by_key: dict[str, dict] = {}
    for payment in ledger:
        for key in (payment["reference"], payment["order__out_trade_no"], payment["order__transaction_id"]):
            if key:
                by_key.setdefault(key, payment)
    references = {row.reference for row in statement.rows}
    orders = _orders(company, source, references)
    numbers = {row.transaction_id for row in payments} | {row.reference for row in payments}
    elsewhere = _elsewhere(company, source, numbers - by_key.keys(), day)
    accounts = _accounts(company, source, {row.account for row in payments})

    match = Match(
        provider_count=len(payments),
        provider_total=sum((row.amount for row in payments), ZERO),
        ledger_count=len(ledger),
        ledger_total=sum((p["amount"] for p in ledger), ZERO),
    )
    seen_rows: set[str] = set()
    seen_payments: set[int] = set()

    def add(kind, row: "StatementRow | None" = None, payment: dict | None = None, order: dict | None = None):
        match.mismatches.append(
            Mismatch(
                kind=kind,
                row=row.number if row else None,
                reference=row.reference if row else (payment["order__out_trade_no"] or payment["reference"]),
                transaction_id=(row.transaction_id if row else payment["order__transaction_id"] or "")[:64],
                provider_amount=row.amount if row else None,
                ledger_amount=payment["amount"] if payment else None,
                occurred_on=row.day if row else payment["paid_on"],
                account_id=(payment or order or {}).get("account_id")
                or (accounts.get(row.account) if row else None),
                season_year=(payment or order or {}).get("season_year") or (row.season_year if row else None),
                order_id=order["id"] if order else None,
                payment_id=payment["id"] if payment else None,
            )
        )

    for row in payments:
        identity = row.transaction_id or row.reference
        if identity in seen_rows:
            add(Kind.DUPLICATE, row)
            continue
        seen_rows.add(identity)
        order = orders.get(row.reference)
        payment = (
            by_key.get(row.reference)
            or by_key.get(row.transaction_id)
            or _order_payment(order)
            or elsewhere.get(row.transaction_id)
            or elsewhere.get(row.reference)
        )
        if payment is None:
            add(Kind.MISSING_IN_LEDGER, row, order=order)
            continue
        if payment["id"] in seen_payments:
            add(Kind.DUPLICATE, row)
            continue
        seen_payments.add(payment["id"])
        if payment["amount"] != row.amount:
            add(Kind.AMOUNT, row, payment=payment, order=order)
        else:
            match.matched += 1
    for payment in ledger:
        if payment["id"] not in seen_payments:
            add(Kind.MISSING_AT_PROVIDER, payment=payment)
    for row in statement.rows:
        order = orders.get(row.reference)
        if row.refund and (order is None or order["state"] != PaymentOrder.State.REFUNDED):
            add(Kind.REFUND, row, order=order)
    return match


def reconciliations(company):
    """The company's reconciliations, newest day first."""
    return (
        Reconciliation.objects.filter(company=company)
        .select_related("created_by")
        .order_by("-day", "source")
    )


def reconciliation_get(company, pk: int) -> Reconciliation | None:
    return reconciliations(company).filter(pk=pk).first()


def mismatches(reconciliation: Reconciliation):
    return reconciliation.mismatches.select_related("account", "resolved_by").order_by("kind", "row", "id")


def recent_reconciliations(company, today: datetime.date) -> list[Reconciliation]:
    """The last RECENT_DAYS days' reconciliations, for the manager's overview: one query."""
    since = today - datetime.timedelta(days=RECENT_DAYS)
    return list(
        Reconciliation.objects.filter(company=company, day__gte=since)
        .order_by("-day", "source")
    )
