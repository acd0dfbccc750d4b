"""Refunds and supplements after settlement: opened from the ledger, then paid, credited, failed or
cancelled, each transition writing its ledger entry in the same transaction.

What stays true (the reconciliation): for every account and season, the open (pending or failed)
refunds less the open supplements equal what the ledger says is still owed to the household, minus
the balance (heating.models.ledger states the sign).
"""

import datetime
from collections import defaultdict
from collections.abc import Iterable
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from heating import bank_accounts
from heating.models import ChannelRefund, LedgerEntry, Payment, Refund, Role, Statement
from heating.selectors.ledger import balances
from heating.selectors.scope import company_membership
from heating.services.payments import payment_record, refund_record

ZERO = Decimal("0.00")
Kind = Refund.Kind
State = Refund.State


def _company_of(user, *, manager=False):
    membership = company_membership(user)
    if membership is None or (manager and membership.role != Role.MANAGER):
        raise PermissionDenied(_("只有供热企业的工作人员可以处理退费。"))
    return membership.organisation


def refunds_locked(user, refund_ids: Iterable[int], *, manager=False) -> list[Refund]:
    """The user's company's refunds, locked; any id outside the company is refused, not skipped."""
    wanted = set(refund_ids)
    refunds = list(
        Refund.objects.select_for_update()
        .select_related("account")
        .filter(id__in=wanted, account__company=_company_of(user, manager=manager))
        .order_by("id")
    )
    if len(refunds) != len(wanted):
        raise PermissionDenied(_("所选退费不全属于本企业。"))
    return refunds


def _refuse_in_channel(refunds: list[Refund]) -> None:
    """A refund with money sent back through a channel (in flight or done) is settled by the
    channel alone (heating.services.channel_refunds): paying it by bank too would pay twice."""
    held = (
        ChannelRefund.objects.filter(refund__in=refunds, state__in=ChannelRefund.HOLDING)
        .values_list("refund_id", flat=True)
        .first()
    )
    if held is not None:
        raise ValidationError(
            _("第 %(id)s 号退费已原路退回或正在原路退回，不能再这样处理。") % {"id": held}, code="in_channel"
        )


def refund_refuse_unless(refund: Refund, *states) -> None:
    if refund.state not in states:
        raise ValidationError(
            _("第 %(id)s 号%(kind)s的状态是“%(state)s”，不能这样处理。")
            % {"id": refund.id, "kind": refund.get_kind_display(), "state": refund.get_state_display()},
            code="state",
        )


def refund_moved(refund: Refund, user) -> None:
    """Save a transition; the save is conditional on the state read (ConcurrentTransitionMixin)."""
    refund.changed_at = timezone.now()
    refund.changed_by = user
    refund._history_user = user
    refund.save()


@transaction.atomic
def refunds_open_for_season(*, company, start_year: int, user=None) -> list[Refund]:
    """Open a pending refund or supplement for each settled account whose season balance is not yet
    covered by its open ones; set-based (three queries and one insert). Idempotent: a rerun opens
    nothing. After a re-settlement only the difference is opened — a further refund, or a supplement
    when less is owed than the open refunds say — and no existing row is edited."""
    if user is not None and not user.is_superuser and _company_of(user, manager=True) != company:
        raise PermissionDenied(_("只有本企业的经理可以生成本企业的退费。"))
    account_ids = list(
        Statement.objects.filter(
            account__company=company, season_year=start_year, status=Statement.Status.ISSUED
        ).values_list("account_id", flat=True)
    )
    owed_by_ledger = {a: ZERO - b for a, b in balances(account_ids, start_year).items()}
    open_owed = defaultdict(lambda: ZERO)
    rows = (
        Refund.objects.filter(account_id__in=account_ids, season_year=start_year, state__in=Refund.OPEN)
        .values_list("account_id", "kind")
        .annotate(total=Sum("amount"))
    )
    for account_id, kind, total in rows:
        open_owed[account_id] += Decimal(total).quantize(ZERO) * (1 if kind == Kind.REFUND else -1)
    new = []
    for account_id in account_ids:
        difference = owed_by_ledger.get(account_id, ZERO) - open_owed[account_id]
        if difference:
            new.append(
                Refund(
                    account_id=account_id,
                    season_year=start_year,
                    kind=Kind.REFUND if difference > 0 else Kind.SUPPLEMENT,
                    amount=abs(difference),
                    created_by=user,
                )
            )
    # bulk_create skips save(), so History() would miss them: one bulk history insert instead.
    Refund.objects.bulk_create(new)
    if new:
        Refund.history.bulk_history_create(new, default_user=user)
    return new


@transaction.atomic
def refund_payee_set(*, refund_id: int, name: str, bank: str, account_number: str, user) -> Refund:
    """Record who a refund is paid to; the account number is stored encrypted and shown masked."""
    (refund,) = refunds_locked(user, [refund_id])
    refund_refuse_unless(refund, *Refund.OPEN)
    protected = bank_accounts.protect(account_number)
    refund.payee_name, refund.payee_bank = name.strip()[:100], bank.strip()[:100]
    refund.payee_account_cipher, refund.payee_account_masked = protected.cipher, protected.masked
    refund._history_user = user
    refund.save()
    return refund


@transaction.atomic
def refunds_mark_paid(
    *, refund_ids: Iterable[int], bank_reference: str, paid_on: datetime.date, user
) -> list[Refund]:
    """Mark the chosen refunds paid out (and supplements received) with one bank reference, all or
    none: a refund writes its `refund` entry (refund_record), a supplement its payment."""
    bank_reference = bank_reference.strip()
    if not bank_reference:
        raise ValidationError({"bank_reference": _("请填写银行凭证号。")})
    refunds = refunds_locked(user, refund_ids)
    for refund in refunds:
        refund_refuse_unless(refund, State.PENDING)
    _refuse_in_channel(refunds)
    for refund in refunds:
        refund.bank_reference = bank_reference[:100]
        refund_paid(refund, reference=bank_reference, paid_on=paid_on, user=user)
    return refunds


def refund_paid(refund: Refund, *, reference: str, paid_on: datetime.date, user) -> None:
    """Inside the caller's transaction, the refund locked and pending: its ledger entry — a refund's
    `refund` entry (refund_record), a supplement's payment — and its move to paid. The one way money
    owed after settlement is recorded paid, by bank transfer or back through the channel."""
    if refund.kind == Kind.REFUND:
        refund.entry = refund_record(
            account=refund.account,
            season_year=refund.season_year,
            amount=refund.amount,
            user=user,
            memo=reference[:200],
        )
    else:
        refund.payment = payment_record(
            account=refund.account,
            season_year=refund.season_year,
            amount=refund.amount,
            paid_on=paid_on,
            channel=Payment.Channel.BANK,
            reference=reference[:100],
            user=user,
        )
    refund.paid_on = paid_on
    refund.pay()
    refund_moved(refund, user)


@transaction.atomic
def refund_credit(*, refund_id: int, user, credited_on: datetime.date) -> Refund:
    """Carry a pending refund to the next season as money received there: one movement
    (heating.services.payments writes both legs)."""
    (refund,) = refunds_locked(user, [refund_id])
    refund_refuse_unless(refund, State.PENDING)
    if refund.kind != Kind.REFUND:
        raise ValidationError(_("补缴不能转入下季。"), code="kind")
    _refuse_in_channel([refund])
    refund.payment = payment_record(
        account=refund.account,
        season_year=refund.season_year + 1,
        amount=refund.amount,
        paid_on=credited_on,
        channel=Payment.Channel.CREDIT,
        user=user,
    )
    refund.credit()
    refund_moved(refund, user)
    return refund


def _reason_or_refuse(reason: str) -> str:
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("请填写原因。")})
    return reason[:200]


@transaction.atomic
def refund_fail(*, refund_id: int, reason: str, user) -> Refund:
    """The bank could not pay it (a closed account, a wrong name): no money moved, so no entry; the
    refund stays owed and may be retried with corrected payee details."""
    reason = _reason_or_refuse(reason)
    (refund,) = refunds_locked(user, [refund_id])
    refund_refuse_unless(refund, State.PENDING)
    if refund.kind != Kind.REFUND:
        raise ValidationError(_("补缴没有支付失败这一状态。"), code="kind")
    _refuse_in_channel([refund])
    refund.reason = reason
    refund.fail()
    refund_moved(refund, user)
    return refund


@transaction.atomic
def refund_retry(*, refund_id: int, user) -> Refund:
    (refund,) = refunds_locked(user, [refund_id])
    refund_refuse_unless(refund, State.FAILED)
    refund.retry()
    refund_moved(refund, user)
    return refund


@transaction.atomic
def refund_cancel(*, refund_id: int, reason: str, user) -> Refund:
    """Drop a refund or supplement that will not be paid (waived, or opened in error).

    "Reversing" under the ledger's sign convention: the open balance the row stood for is undone by
    a `reversal` entry of the opposite sign — +amount for a refund (the household is no longer owed
    it), −amount for a supplement (it no longer owes it) — so the season's balance and its open rows
    still agree. Nothing already written to the ledger is touched."""
    reason = _reason_or_refuse(reason)
    (refund,) = refunds_locked(user, [refund_id])
    refund_refuse_unless(refund, *Refund.OPEN)
    _refuse_in_channel([refund])
    refund.entry = LedgerEntry.objects.create(
        account=refund.account,
        season_year=refund.season_year,
        kind=LedgerEntry.Kind.REVERSAL,
        amount=refund.amount if refund.kind == Kind.REFUND else -refund.amount,
        created_by=user,
        memo=(_("取消%(kind)s：") % {"kind": refund.get_kind_display()} + reason)[:200],
    )
    refund.reason = reason
    refund.cancel()
    refund_moved(refund, user)
    return refund
