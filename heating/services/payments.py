"""Money received and paid back: each writes its ledger entries in the same transaction."""

import datetime
from collections.abc import Iterable
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from heating.models import Account, LedgerEntry, Payment, Statement
from heating.selectors.ledger import balance

Kind = LedgerEntry.Kind


def payment_entries(payments: Iterable[Payment], *, settled: set[tuple[int, int]] = frozenset()) -> list:
    """The ledger entries of saved payments (not yet written). Money for a season whose statement is
    issued (`settled` holds (account id, season)) is a supplement (补缴). A credit is one movement
    with two legs: it closes the refund of the season before and is money received for its own."""
    entries = []
    for payment in payments:
        common = {
            "account_id": payment.account_id,
            "payment": payment,
            "created_by_id": payment.created_by_id,
        }
        if payment.channel == Payment.Channel.CREDIT:
            entries.append(
                LedgerEntry(
                    season_year=payment.season_year - 1, kind=Kind.CREDIT_OUT, amount=payment.amount, **common
                )
            )
            kind = Kind.CREDIT_IN
        elif (payment.account_id, payment.season_year) in settled:
            kind = Kind.SUPPLEMENT
        else:
            kind = Kind.PAYMENT
        entries.append(
            LedgerEntry(season_year=payment.season_year, kind=kind, amount=-payment.amount, **common)
        )
    return entries


def _open_refund(account: Account, season_year: int) -> Decimal:
    return max(Decimal("0.00"), -balance(account.id, season_year))


def credit_problem(*, account: Account, season_year: int, amount: Decimal) -> str | None:
    """Why this credit from the season before cannot be recorded, or None."""
    if amount > _open_refund(account, season_year - 1):
        return _("转入金额超过上一供暖季尚未退还的退费。")
    return None


@transaction.atomic
def payment_record(
    *,
    account: Account,
    season_year: int,
    amount: Decimal,
    paid_on: datetime.date,
    channel: str,
    reference: str = "",
    user=None,
    memo: str = "",
) -> Payment:
    """Record money received for a season, with its ledger entries (`memo` on each: why, when it is
    not plain takings). A credit from the season before (`Payment.Channel.CREDIT`) may not exceed
    that season's open refund."""
    if amount <= 0:
        raise ValidationError({"amount": _("金额须大于 0。")})
    if channel == Payment.Channel.CREDIT:
        # Lock the account so that two credits cannot both spend the same refund.
        Account.objects.select_for_update().filter(pk=account.pk).first()
        problem = credit_problem(account=account, season_year=season_year, amount=amount)
        if problem:
            raise ValidationError({"amount": problem})
    payment = Payment.objects.create(
        account=account,
        season_year=season_year,
        amount=amount,
        paid_on=paid_on,
        channel=channel,
        reference=reference,
        created_by=user,
    )
    settled = Statement.objects.filter(
        account=account, season_year=season_year, status=Statement.Status.ISSUED
    ).exists()
    entries = payment_entries([payment], settled={(account.id, season_year)} if settled else set())
    for entry in entries:
        entry.memo = memo[:200]
    LedgerEntry.objects.bulk_create(entries)
    return payment


@transaction.atomic
def payments_record(*, payments: list[Payment], user=None, chunk: int = 500) -> list[Payment]:
    """Many payments at once (a bank's collection file): what payment_record does for one, in a
    fixed number of queries per chunk. Credits are refused here: each needs its account locked and
    the refund before it checked, one at a time (payment_record)."""
    for payment in payments:
        if payment.amount <= 0:
            raise ValidationError({"amount": _("金额须大于 0。")})
        if payment.channel == Payment.Channel.CREDIT:
            raise ValidationError({"channel": _("上季退费转入须逐笔录入。")})
        payment.created_by = user
    for start in range(0, len(payments), chunk):
        part = bulk_create_with_history(payments[start : start + chunk], Payment, default_user=user)
        settled = set(
            Statement.objects.filter(
                account_id__in={p.account_id for p in part},
                season_year__in={p.season_year for p in part},
                status=Statement.Status.ISSUED,
            ).values_list("account_id", "season_year")
        )
        LedgerEntry.objects.bulk_create(payment_entries(part, settled=settled))
    return payments


@transaction.atomic
def refund_record(
    *, account: Account, season_year: int, amount: Decimal, user=None, memo: str = ""
) -> LedgerEntry:
    """Record a refund paid out to the household; it may not exceed the season's open refund."""
    Account.objects.select_for_update().filter(pk=account.pk).first()
    if amount <= 0:
        raise ValidationError({"amount": _("金额须大于 0。")})
    if amount > _open_refund(account, season_year):
        raise ValidationError({"amount": _("退费金额超过该供暖季尚未退还的退费。")})
    return LedgerEntry.objects.create(
        account=account, season_year=season_year, kind=Kind.REFUND, amount=amount, created_by=user, memo=memo
    )


@transaction.atomic
def payment_reverse(*, payment: Payment, user=None, memo: str = "") -> list[LedgerEntry]:
    """Undo a payment recorded in error (a bounced transfer, a wrong account): each of its entries
    gets its negation; the payment row stays, as the ledger's record of what happened."""
    Account.objects.select_for_update().filter(pk=payment.account_id).first()
    entries = list(payment.entries.all())
    if any(entry.kind == Kind.REVERSAL for entry in entries):
        raise ValidationError(_("该笔收款已冲正。"), code="already_reversed")
    reversals = [
        LedgerEntry(
            account_id=entry.account_id,
            season_year=entry.season_year,
            kind=Kind.REVERSAL,
            amount=-entry.amount,
            payment=payment,
            created_by=user,
            memo=memo,
        )
        for entry in entries
    ]
    return LedgerEntry.objects.bulk_create(reversals)
