"""Online payment orders: create one with the amount the ledger says, apply the provider's word that
it was paid (a notification, or our own query when none came) exactly once, close what was never paid.

Every way an order becomes paid goes through `_order_pay`, which locks the order row and, in the same
transaction, moves it to paid and records its one Payment (payment_record writes the ledger entries).
A second arrival finds the order paid and changes nothing."""

import datetime
import hashlib
import logging
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from heating.models import Account, PaymentNotification, PaymentOrder, ProviderAccount
from heating.payments.config import merchant_config
from heating.payments.providers import (
    AlreadyPaid,
    NotificationRefused,
    Payer,
    ProviderError,
    TradeStatus,
    provider_get,
)
from heating.selectors.ledger import ZERO, balance, money_held, prepayments_due
from heating.services.payments import payment_record

log = logging.getLogger(__name__)
Verdict = PaymentNotification.Verdict
Purpose = PaymentOrder.Purpose
# Bodies larger than this are refused unread: a provider's notification is a few kilobytes.
NOTIFICATION_MAX_BYTES = 64 * 1024


def order_amount(*, account: Account, season_year: int, purpose: str) -> Decimal:
    """What the ledger says is to be paid now: the rest of the season's prepayment, or the season's
    balance still owed."""
    if purpose == Purpose.PREPAYMENT:
        due = prepayments_due([account.id], season_year).get(account.id, ZERO)
        return due - money_held([account.id], season_year).get(account.id, ZERO)
    return balance(account.id, season_year)


@dataclass(frozen=True)
class CreatedOrder:
    order: PaymentOrder
    pay: dict  # what the payer's page needs, from the provider


def _open_order(account: Account, season_year: int, purpose: str) -> PaymentOrder | None:
    return PaymentOrder.objects.filter(
        account=account, season_year=season_year, purpose=purpose, state=PaymentOrder.State.CREATED
    ).first()


def order_create(
    *, account: Account, season_year: int, purpose: str, provider: str, payer: Payer | None = None
) -> CreatedOrder:
    """The order for one payment attempt, its amount fixed from the ledger (never from the browser),
    then opened with the provider (outside the transaction: a provider call holds no lock). `payer`
    picks phone or desktop payment (heating.payments.providers.Payer).

    An account has at most one open order per season and purpose (a partial unique index): the open
    one is reused when it is for the same provider and amount, and closed first otherwise."""
    backend = provider_get(provider)
    merchant = ProviderAccount.objects.filter(
        company_id=account.company_id, provider=provider, active=True
    ).first()
    if backend is None or merchant is None:
        raise ValidationError(_("本单位未开通该支付方式。"), code="no_provider")
    if purpose not in Purpose.values:
        raise ValidationError(_("未知的缴费用途。"), code="purpose")
    stale = _open_order(account, season_year, purpose)
    if stale is not None and (
        stale.provider != provider
        or stale.amount != order_amount(account=account, season_year=season_year, purpose=purpose)
    ):
        order_close(stale)
    try:
        with transaction.atomic():
            Account.objects.select_for_update().filter(pk=account.pk).first()
            amount = order_amount(account=account, season_year=season_year, purpose=purpose)
            if amount <= 0:
                raise ValidationError(_("该供暖季没有需要缴纳的金额。"), code="nothing_owed")
            order = _open_order(account, season_year, purpose)
            if order is None or order.provider != provider or order.amount != amount:
                order = PaymentOrder.objects.create(
                    company_id=account.company_id,
                    account=account,
                    season_year=season_year,
                    purpose=purpose,
                    amount=amount,
                    provider=provider,
                    out_trade_no=timezone.now().strftime("HT%Y%m%d%H%M%S") + secrets.token_hex(6).upper(),
                )
    except IntegrityError:
        # Another open order appeared meanwhile (a second tab paying with another provider).
        raise ValidationError(_("另一笔支付正在进行，请稍后再试。"), code="order_open") from None
    pay = backend.create_order(
        merchant_config(merchant),
        out_trade_no=order.out_trade_no,
        amount=order.amount,
        description=f"{account.number} {season_year}",
        payer=payer,
    )
    return CreatedOrder(order=order, pay=pay)


class _Refused(Exception):
    def __init__(self, verdict: str, order: PaymentOrder | None = None):
        super().__init__(verdict)
        self.verdict, self.order = verdict, order


def _order_pay(
    order_id: int, *, transaction_id: str, amount: Decimal, paid_at: datetime.datetime | None,
    channel: str | None = None, user=None, memo: str = "",
) -> tuple[str, PaymentOrder]:
    """Inside the caller's transaction: the order paid with its one payment, or why not. `channel`
    for a provider whose module is not installed here (a reconciliation names it from the bill)."""
    order = PaymentOrder.objects.select_for_update().select_related("account").get(pk=order_id)
    if order.state in (PaymentOrder.State.PAID, PaymentOrder.State.REFUNDED):
        return Verdict.DUPLICATE, order
    if order.state == PaymentOrder.State.CLOSED:
        raise _Refused(Verdict.ORDER_CLOSED, order)
    if amount != order.amount:
        raise _Refused(Verdict.WRONG_AMOUNT, order)
    paid_at = paid_at or timezone.now()
    payment = payment_record(
        account=order.account,
        season_year=order.season_year,
        amount=order.amount,
        paid_on=timezone.localdate(paid_at),
        channel=channel or provider_get(order.provider).channel,
        reference=transaction_id[:100],
        user=user,
        memo=memo,
    )
    order.pay(transaction_id=transaction_id, paid_at=paid_at, payment=payment)
    order.save()
    return Verdict.APPLIED, order


class OrderRefused(Exception):
    """A provider's statement says an order was paid, but the order cannot take it: the verdict."""

    def __init__(self, verdict: str):
        super().__init__(verdict)
        self.verdict = verdict


def order_pay_from_statement(
    *, order: PaymentOrder, transaction_id: str, amount: Decimal, paid_at: datetime.datetime, channel: str,
    user=None, memo: str = "",
) -> tuple[str, PaymentOrder]:
    """The daily reconciliation found the order paid at the provider and not in the ledger: pay it
    through the same locked path as a notification, so a notification arriving too records nothing
    more. In the caller's transaction; (applied or duplicate, the order), or OrderRefused."""
    try:
        with transaction.atomic():
            return _order_pay(
                order.pk, transaction_id=transaction_id, amount=amount, paid_at=paid_at, channel=channel,
                user=user, memo=memo,
            )
    except _Refused as refused:
        raise OrderRefused(refused.verdict) from None


def _record(
    provider: str, body: bytes, verdict: str, order: PaymentOrder | None = None
) -> PaymentNotification:
    return PaymentNotification.objects.create(
        provider=provider[:20], body_sha256=hashlib.sha256(body).hexdigest(), verdict=verdict, order=order
    )


def notification_apply(
    *, provider: str, headers: Mapping[str, str], body: bytes, now: datetime.datetime | None = None
) -> PaymentNotification:
    """Verify a notification and apply it once; every outcome, refusals too, is recorded."""
    now = now or timezone.now()
    headers = {str(name).lower(): str(value) for name, value in headers.items()}
    backend = provider_get(provider)
    if backend is None:
        return _record(provider, body, Verdict.UNKNOWN_PROVIDER)
    if len(body) > NOTIFICATION_MAX_BYTES:
        return _record(provider, body, Verdict.TOO_LARGE)
    try:
        merchant_id = backend.notification_merchant(headers, body)
        merchant = ProviderAccount.objects.filter(
            provider=provider, merchant_id=merchant_id, active=True
        ).first()
        if merchant is None:
            raise NotificationRefused(Verdict.UNKNOWN_MERCHANT)
        notice = backend.verify_notification(merchant_config(merchant), headers, body, now=now)
    except NotificationRefused as refused:
        return _record(provider, body, refused.verdict)
    order = PaymentOrder.objects.filter(
        provider=provider, company_id=merchant.company_id, out_trade_no=notice.out_trade_no
    ).first()
    if order is None:
        return _record(provider, body, Verdict.UNKNOWN_ORDER)
    if not notice.paid:
        return _record(provider, body, Verdict.NOT_PAID, order)
    try:
        with transaction.atomic():
            verdict, order = _order_pay(
                order.pk, transaction_id=notice.transaction_id, amount=notice.amount, paid_at=notice.paid_at
            )
            return _record(provider, body, verdict, order)
    except _Refused as refused:
        log.warning("payment notification for order %s refused: %s", order.pk, refused.verdict)
        return _record(provider, body, refused.verdict, refused.order)


def notification_refusal_record(*, provider: str, body: bytes, verdict: str) -> PaymentNotification:
    """For the endpoint: a notification it could not hand to `notification_apply` (too large, or an
    error while applying it)."""
    return _record(provider, body, verdict)


def _apply_status(order: PaymentOrder, status: TradeStatus) -> str | None:
    try:
        with transaction.atomic():
            return _order_pay(
                order.pk, transaction_id=status.transaction_id, amount=status.amount, paid_at=status.paid_at
            )[0]
    except _Refused as refused:
        log.warning("queried order %s not applied: %s", order.pk, refused.verdict)
        return refused.verdict


def _open_before(minutes: int, now: datetime.datetime):
    return PaymentOrder.objects.filter(
        state=PaymentOrder.State.CREATED, created_at__lte=now - datetime.timedelta(minutes=minutes)
    ).order_by("created_at")


def order_merchant(order: PaymentOrder):
    """The order's provider and its company's merchant configuration (active or not: a paid order
    can still be asked about and refunded)."""
    merchant = ProviderAccount.objects.get(company_id=order.company_id, provider=order.provider)
    return provider_get(order.provider), merchant_config(merchant)


def orders_query_open(*, now: datetime.datetime | None = None) -> list[int]:
    """Ask the provider about orders open longer than ORDER_QUERY_AFTER_MINUTES whose notification
    never came; apply those it says were paid (a provider that fails is asked again next run). The
    ids applied."""
    applied = []
    for order in _open_before(settings.ORDER_QUERY_AFTER_MINUTES, now or timezone.now()):
        backend, config = order_merchant(order)
        try:
            status = backend.query_order(config, order.out_trade_no)
        except ProviderError as error:
            log.warning("order %s not queried: %s", order.pk, error)
            continue
        if status.state == TradeStatus.PAID and _apply_status(order, status) == Verdict.APPLIED:
            applied.append(order.pk)
    return applied


def order_close(order: PaymentOrder, *, now: datetime.datetime | None = None) -> bool:
    """Close an open order with its provider first, so that it takes no more money for it, then here;
    one paid meanwhile is applied instead. Whether it was closed."""
    backend, config = order_merchant(order)
    try:
        backend.close_order(config, order.out_trade_no)
    except AlreadyPaid:
        try:
            _apply_status(order, backend.query_order(config, order.out_trade_no))
        except ProviderError as error:
            log.warning("paid order %s not queried: %s", order.pk, error)
        return False
    except ProviderError as error:
        # Left open: the next run asks again; one provider down stops no other order.
        log.warning("order %s not closed: %s", order.pk, error)
        return False
    with transaction.atomic():
        locked = PaymentOrder.objects.select_for_update().get(pk=order.pk)
        if locked.state != PaymentOrder.State.CREATED:
            return False
        locked.close(closed_at=now or timezone.now())
        locked.save()
        return True


def order_refresh(order: PaymentOrder) -> str | None:
    """One question to the provider about an open order, for a payer coming back from paying: the
    order is applied when the provider says it was paid. Bounded to this one call; a provider that
    cannot answer leaves the order open for the beat task (the bill says 确认中 meanwhile)."""
    if order.state != PaymentOrder.State.CREATED:
        return None
    try:
        backend, config = order_merchant(order)
        status = backend.query_order(config, order.out_trade_no)
    except Exception:
        log.warning("order %s could not be queried", order.pk, exc_info=True)
        return None
    if status.state != TradeStatus.PAID:
        return None
    return _apply_status(order, status)


def orders_close_expired(*, now: datetime.datetime | None = None) -> list[int]:
    """Close orders unpaid after ORDER_TIMEOUT_MINUTES (order_close). The ids closed."""
    now = now or timezone.now()
    return [
        order.pk
        for order in _open_before(settings.ORDER_TIMEOUT_MINUTES, now)
        if order_close(order, now=now)
    ]
