"""The daily reconciliation's writes: a statement's differences kept for its day, and each difference
resolved by one action with a reason, whose ledger effect carries that reason in its memo.

Re-importing a day: an earlier reconciliation of the same company, day and source is replaced while
none of its differences is resolved, and refused once one is (a resolution wrote to the ledger; the
new statement is compared against a ledger that already holds it, and the record of why must stay).
"""

import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from heating.imports.common import LOCAL_TZ
from heating.models import (
    BankCollection,
    LedgerEntry,
    Mismatch,
    Organisation,
    PaymentNotification,
    PaymentOrder,
    Reconciliation,
)
from heating.selectors.reconciliation import CHANNELS, Match
from heating.services.orders import OrderRefused, order_pay_from_statement
from heating.services.payments import payment_record, payment_reverse

Action = Mismatch.Action
Status = Reconciliation.Status
ALREADY_RESOLVED = gettext_noop("该日该渠道的对账已有差异处理完毕，不能用新的对账单替换。")


class ReconciliationLocked(Exception):
    """The day's reconciliation has resolved differences: it is not replaced."""


def reconciliation_locked(company, day: datetime.date, source: str) -> bool:
    return Mismatch.objects.filter(
        reconciliation__company=company, reconciliation__day=day, reconciliation__source=source,
        resolved_at__isnull=False,
    ).exists()


@transaction.atomic
def reconciliation_store(
    *, company, day: datetime.date, source: str, match: Match, batch, user
) -> Reconciliation:
    """Keep the statement's differences as the day's reconciliation (replacing an unresolved one).
    The company's row is locked so that two imports of the same day take turns."""
    Organisation.objects.select_for_update().filter(pk=company.pk).first()
    if reconciliation_locked(company, day, source):
        raise ReconciliationLocked
    Reconciliation.objects.filter(company=company, day=day, source=source).delete()
    reconciliation = Reconciliation.objects.create(
        company=company, day=day, source=source, batch=batch, created_by=user,
        status=Status.OPEN if match.mismatches else Status.MATCHED,
        provider_count=match.provider_count, provider_total=match.provider_total,
        ledger_count=match.ledger_count, ledger_total=match.ledger_total, matched=match.matched,
    )
    for mismatch in match.mismatches:
        mismatch.reconciliation = reconciliation
    Mismatch.objects.bulk_create(match.mismatches)
    return reconciliation


def _memo(reconciliation: Reconciliation, reason: str) -> str:
    return f"对账 {reconciliation.day:%Y-%m-%d} {reconciliation.get_source_display()}：{reason}"[:200]


def _reversed(payment_id: int) -> bool:
    return LedgerEntry.objects.filter(payment_id=payment_id, kind=LedgerEntry.Kind.REVERSAL).exists()


def _record(mismatch: Mismatch, *, memo: str, user):
    """The payment the provider saw: through the order's locked path while the order is open (a
    notification arriving too then finds it paid); otherwise straight into the ledger."""
    reconciliation = mismatch.reconciliation
    channel = CHANNELS[reconciliation.source]
    order = mismatch.order
    if order is not None:
        # Locked before it is looked at: a notification for it now waits, then finds it paid.
        order = PaymentOrder.objects.select_for_update().get(pk=order.pk)
        if order.state == PaymentOrder.State.PAID and not _reversed(order.payment_id):
            return order.payment  # paid meanwhile (its notification or query came): nothing more
    if order is not None and order.state == PaymentOrder.State.CREATED:
        paid_at = datetime.datetime.combine(mismatch.occurred_on, datetime.time(12), tzinfo=LOCAL_TZ)
        try:
            _verdict, order = order_pay_from_statement(
                order=order, transaction_id=mismatch.transaction_id or mismatch.reference,
                amount=mismatch.provider_amount, paid_at=paid_at, channel=channel, user=user, memo=memo,
            )
        except OrderRefused as refused:
            raise ValidationError(
                _("订单不能按渠道账单入账（%(why)s），请核实后选择“无需处理”并说明原因。")
                % {"why": PaymentNotification.Verdict(refused.verdict).label}
            ) from None
        return order.payment
    # A closed order the provider took money for, or one whose payment was reversed: the money is
    # the household's all the same (the order keeps its state).
    payment = payment_record(
        account=mismatch.account, season_year=mismatch.season_year, amount=mismatch.provider_amount,
        paid_on=mismatch.occurred_on, channel=channel,
        reference=(mismatch.transaction_id or mismatch.reference)[:100], user=user, memo=memo,
    )
    if reconciliation.source == Reconciliation.Source.BANK:
        try:
            with transaction.atomic():
                BankCollection.objects.create(
                    company_id=reconciliation.company_id, reference=mismatch.reference, payment=payment,
                    batch_id=reconciliation.batch_id,
                )
        except IntegrityError:
            raise ValidationError(_("该银行流水号已由银行代收导入记录，请重新对账。")) from None
    return payment


def _adjust(mismatch: Mismatch, *, memo: str, user):
    """A different amount: the payment reversed and the provider's amount recorded in its place."""
    old = mismatch.payment
    payment_reverse(payment=old, user=user, memo=memo)
    return payment_record(
        account=old.account, season_year=old.season_year, amount=mismatch.provider_amount,
        paid_on=old.paid_on, channel=old.channel, reference=old.reference, user=user, memo=memo,
    )


def mismatch_resolve(*, company, mismatch_id: int, action: str, reason: str, user) -> Mismatch:
    """Resolve one difference by one action with a reason, atomically; a difference already resolved
    is returned unchanged (a second click, a second manager). Mismatch.DoesNotExist for another
    company's; ValidationError for an action that does not fit or without a reason."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("请填写原因。")})
    if len(reason) > 200:
        raise ValidationError({"reason": _("原因最多 200 个字。")})
    with transaction.atomic():
        mismatch = (
            Mismatch.objects.select_for_update(of=("self",))
            .select_related("reconciliation", "order", "payment__account", "account")
            .get(pk=mismatch_id, reconciliation__company=company)
        )
        if mismatch.resolved_at is not None:
            return mismatch
        if action not in mismatch.actions:
            raise ValidationError({"action": _("该差异不能这样处理。")})
        memo = _memo(mismatch.reconciliation, reason)
        if action == Action.RECORD:
            mismatch.resolved_payment = _record(mismatch, memo=memo, user=user)
        elif action == Action.REVERSE:
            try:
                payment_reverse(payment=mismatch.payment, user=user, memo=memo)
            except ValidationError:
                raise ValidationError(_("该笔收款已冲正，请重新对账。")) from None
        elif action == Action.ADJUST:
            mismatch.resolved_payment = _adjust(mismatch, memo=memo, user=user)
        mismatch.action, mismatch.reason = action, reason
        mismatch.resolved_at, mismatch.resolved_by = timezone.now(), user
        mismatch.save(update_fields=["action", "reason", "resolved_payment", "resolved_at", "resolved_by"])
        reconciliation = mismatch.reconciliation
        if not reconciliation.mismatches.filter(resolved_at__isnull=True).exists():
            reconciliation.status = Status.RESOLVED
            reconciliation.save(update_fields=["status"])
    return mismatch
