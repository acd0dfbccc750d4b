"""Payments taken at the counter, each with its receipt (收据), and their reversal; the receipt of a
payment that came another way, issued when it is first asked for."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from heating.models import Account, LedgerEntry, Payment, Receipt, ReceiptCounter, ReceiptVoid

from .payments import payment_record, payment_reverse


def _next_sequence(company, year: int) -> int:
    """The company's next receipt number for the year, its counter row locked until the transaction
    ends: a second counter waits, and a rolled-back payment gives its number back."""
    ReceiptCounter.objects.bulk_create([ReceiptCounter(company=company, year=year)], ignore_conflicts=True)
    counter = ReceiptCounter.objects.select_for_update().get(company=company, year=year)
    counter.last += 1
    counter.save(update_fields=["last"])
    return counter.last


@transaction.atomic
def payment_take(
    *, account: Account, season_year: int, amount: Decimal, channel: str, reference: str = "", user=None
) -> Receipt:
    """Money received at the counter today: the payment, its ledger entry and its receipt, together."""
    if channel == Payment.Channel.CREDIT:
        raise ValidationError({"channel": _("柜台收款不能选择上季退费转入。")})
    payment = payment_record(
        account=account,
        season_year=season_year,
        amount=amount,
        paid_on=timezone.localdate(),
        channel=channel,
        reference=reference,
        user=user,
    )
    return _receipt_create(payment, user=user)


def _receipt_create(payment: Payment, *, user=None) -> Receipt:
    company = payment.account.company
    year = timezone.localdate().year
    sequence = _next_sequence(company, year)
    return Receipt.objects.create(
        company=company,
        year=year,
        sequence=sequence,
        number=f"{company.code}-{year}-{sequence:06d}",
        payment=payment,
        issued_by=user,
    )


@transaction.atomic
def receipt_issue(*, payment: Payment) -> Receipt:
    """The payment's receipt, numbered in the company's sequence when it is first asked for (the
    electronic receipt of a payment made online or by bank): numbering at payment time would lock
    the company's counter row in every provider notification's transaction."""
    Payment.objects.select_for_update().filter(pk=payment.pk).first()
    existing = Receipt.objects.filter(payment=payment).first()
    if existing is not None:
        return existing
    if LedgerEntry.objects.filter(payment=payment, kind=LedgerEntry.Kind.REVERSAL).exists():
        raise ValidationError(_("该笔缴费已冲正，不再开具收据。"), code="reversed")
    return _receipt_create(payment)


@transaction.atomic
def receipt_void(*, receipt: Receipt, reason: str, user=None) -> ReceiptVoid:
    """Reverse a payment taken in error: reversing ledger entries and a void record, nothing deleted."""
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("请填写冲正原因。")})
    payment_reverse(payment=receipt.payment, user=user, memo=reason)
    return ReceiptVoid.objects.create(receipt=receipt, reason=reason, voided_by=user)
