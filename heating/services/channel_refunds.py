"""原路退回: a settlement refund paid back through the online orders that brought the season's money in.

`refund_send_back` plans the parts under the refund's row lock and commits them as submitted before
any provider is asked, so that a crash leaves a record the beat task picks up, never a refund nobody
knows of; then it asks each provider, outside any lock. The providers' answers — at once, or later to
`channel_refunds_query` on the beat — settle the parts under the refund's lock again: the refund is
paid only when its parts succeeded for its whole amount (its ledger entry written by the code that
records a bank transfer, heating.services.refunds.refund_paid), and failed with the provider's reason
when none is in flight any more and one failed. A retry (refund_retry) makes it pending again, and
sending it back again asks only for what is still owed, under new refund numbers.

What the season's paid orders cannot take back (they brought in less than the refund) is split off
into a refund of its own, paid by bank transfer (the existing export).

A partial refund leaves its order paid; the order becomes `refunded` once parts succeeded for its
whole amount. What was refunded of an order is the sum of its succeeded parts."""

import datetime
import logging
import secrets
from collections import defaultdict
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from heating.models import ChannelRefund, PaymentOrder, Refund
from heating.payments.providers import RefundRefused, RefundStatus
from heating.services.orders import order_merchant
from heating.services.refunds import (
    refund_moved,
    refund_paid,
    refund_refuse_unless,
    refunds_locked,
)

log = logging.getLogger(__name__)
ZERO = Decimal("0.00")
Part = ChannelRefund.State
# A part whose provider call may still be under way is not asked about before this.
QUERY_AFTER_SECONDS = 60


def orders_refundable(account_id: int, season_year: int, *, lock=False) -> list[tuple[PaymentOrder, Decimal]]:
    """The season's paid orders of the account, newest first, each with what is left to refund of it:
    its amount less its parts in flight or succeeded."""
    orders = PaymentOrder.objects.filter(
        account_id=account_id, season_year=season_year, state=PaymentOrder.State.PAID
    ).order_by("-paid_at", "-id")
    orders = list(orders.select_for_update() if lock else orders)
    held = dict(
        ChannelRefund.objects.filter(order__in=[o.id for o in orders], state__in=ChannelRefund.HOLDING)
        .values("order")
        .annotate(total=Sum("amount"))
        .values_list("order", "total")
    )
    return [(o, o.amount - Decimal(held.get(o.id, ZERO))) for o in orders]


def split(
    amount: Decimal, available: list[tuple[PaymentOrder, Decimal]]
) -> list[tuple[PaymentOrder, Decimal]]:
    """`amount` over the orders in their order, none taking more than it has left."""
    parts = []
    for order, left in available:
        take = min(amount, left)
        if take > 0:
            parts.append((order, take))
            amount -= take
    return parts


def _refund_no() -> str:
    return timezone.now().strftime("RF%Y%m%d%H%M%S") + secrets.token_hex(6).upper()


def _split_off(refund: Refund, amount: Decimal, user) -> Refund:
    """A new pending refund of `amount` for the bank, the refund keeping the rest: same account,
    season, payee and opening time (its due date does not move). The open total is unchanged, so
    what heating.services.refunds reconciles still holds."""
    rest = Refund.objects.create(
        account=refund.account,
        season_year=refund.season_year,
        kind=Refund.Kind.REFUND,
        amount=amount,
        payee_name=refund.payee_name,
        payee_bank=refund.payee_bank,
        payee_account_cipher=refund.payee_account_cipher,
        payee_account_masked=refund.payee_account_masked,
        created_by=user,
    )
    Refund.objects.filter(pk=rest.pk).update(created_at=refund.created_at)
    rest.created_at = refund.created_at
    refund.amount -= amount
    refund._history_user = user
    # simple_history keeps at most 100 characters of a reason.
    refund._change_reason = (
        _("原路退回：%(amount)s 元另列第 %(id)s 号退费（银行转账）") % {"amount": amount, "id": rest.id}
    )[:100]
    refund.save()
    return rest


@transaction.atomic
def _plan(refund_id: int, user) -> tuple[Refund, list[ChannelRefund], Refund | None]:
    (refund,) = refunds_locked(user, [refund_id], manager=True)
    refund_refuse_unless(refund, Refund.State.PENDING)
    if refund.kind != Refund.Kind.REFUND:
        raise ValidationError(_("补缴不能原路退回。"), code="kind")
    before = list(refund.channel_parts.all())
    if any(p.state == Part.SUBMITTED for p in before):
        raise ValidationError(_("该退费正在原路退回，请等待渠道的结果。"), code="in_flight")
    owed = refund.amount - sum((p.amount for p in before if p.state == Part.SUCCEEDED), ZERO)
    available = orders_refundable(refund.account_id, refund.season_year, lock=True)
    left = sum((amount for _order, amount in available), ZERO)
    if left <= 0:
        raise ValidationError(
            _("该户本供暖季没有可原路退回的在线支付，请通过银行转账退费。"), code="no_orders"
        )
    rest = _split_off(refund, owed - left, user) if owed > left else None
    parts = ChannelRefund.objects.bulk_create(
        ChannelRefund(refund=refund, order=order, amount=amount, refund_no=_refund_no())
        for order, amount in split(min(owed, left), available)
    )
    return refund, parts, rest


def _ask(part: ChannelRefund) -> RefundStatus | None:
    """Ask the provider to refund the part and where it stands; None when the answer did not arrive
    (the part stays submitted and the beat task asks again)."""
    backend, config = order_merchant(part.order)
    try:
        backend.refund(config, part.order.out_trade_no, refund_no=part.refund_no, amount=part.amount)
        return backend.refund_query(config, part.order.out_trade_no, part.refund_no)
    except RefundRefused as refused:
        return RefundStatus(refund_no=part.refund_no, state=RefundStatus.FAILED, reason=str(refused))
    except Exception as error:  # the provider's transport: a timeout, a reset connection, a 5xx
        log.warning("channel refund part %s not answered: %s", part.pk, type(error).__name__)
        return None


def refund_send_back(*, refund_id: int, user) -> tuple[Refund, Refund | None]:
    """Send a pending refund back through the season's paid orders (managers of its company). The
    refund as it stands after the providers' first answers, and the refund split off for the bank
    (or None)."""
    refund, parts, rest = _plan(refund_id, user)
    answers = {}
    for part in parts:
        answer = _ask(part)
        if answer is not None:
            answers[part.id] = answer
    return parts_settle(refund.id, answers, user=user), rest


def _orders_refunded(order_ids: set[int]) -> None:
    """Orders whose succeeded parts now cover their whole amount become refunded."""
    refunded = dict(
        ChannelRefund.objects.filter(order__in=order_ids, state=Part.SUCCEEDED)
        .values("order")
        .annotate(total=Sum("amount"))
        .values_list("order", "total")
    )
    for order in PaymentOrder.objects.select_for_update().filter(
        pk__in=order_ids, state=PaymentOrder.State.PAID
    ):
        if Decimal(refunded.get(order.id, ZERO)) == order.amount:
            order.refund()
            order.save()


@transaction.atomic
def parts_settle(refund_id: int, answers: dict[int, RefundStatus], *, user=None) -> Refund:
    """Apply the providers' answers (by part id) to the refund's submitted parts, under the refund's
    lock; then the refund is paid, failed, or left pending while a part is in flight."""
    refund = Refund.objects.select_for_update().select_related("account").get(pk=refund_id)
    parts = list(refund.channel_parts.select_for_update().order_by("id"))
    now = timezone.now()
    succeeded, reasons = set(), []
    for part in parts:
        answer = answers.get(part.id)
        if part.state != Part.SUBMITTED or answer is None:
            continue
        if answer.state == RefundStatus.SUCCEEDED:
            part.state, part.provider_refund_id = Part.SUCCEEDED, answer.refund_id[:64]
            succeeded.add(part.order_id)
        elif answer.state == RefundStatus.FAILED:
            part.state, part.reason = Part.FAILED, (answer.reason or _("渠道未说明原因"))[:200]
            reasons.append(part.reason)
        else:
            continue
        part.settled_at = now
        part.save(update_fields=["state", "provider_refund_id", "reason", "settled_at"])
    if succeeded:
        _orders_refunded(succeeded)
    if refund.state != Refund.State.PENDING or any(p.state == Part.SUBMITTED for p in parts):
        return refund
    done = [p for p in parts if p.state == Part.SUCCEEDED]
    if sum((p.amount for p in done), ZERO) == refund.amount:
        memo = _("原路退回：") + "、".join(p.refund_no for p in done)
        refund_paid(
            refund, reference=memo, paid_on=timezone.localdate(max(p.settled_at for p in done)), user=user
        )
    elif reasons:
        refund.reason = (_("原路退回失败：") + "；".join(reasons))[:200]
        refund.fail()
        refund_moved(refund, user)
    return refund


def channel_refunds_query(*, now=None) -> list[int]:
    """On the beat: ask the providers about parts submitted over QUERY_AFTER_SECONDS ago and settle
    those they answered; a part the provider never received is asked for again under the same refund
    number (it refunds once). The ids of the parts settled."""
    before = (now or timezone.now()) - datetime.timedelta(seconds=QUERY_AFTER_SECONDS)
    waiting = ChannelRefund.objects.filter(state=Part.SUBMITTED, submitted_at__lte=before).select_related(
        "order"
    )
    answers = defaultdict(dict)
    for part in waiting.order_by("id"):
        backend, config = order_merchant(part.order)
        try:
            answer = backend.refund_query(config, part.order.out_trade_no, part.refund_no)
        except Exception as error:  # the provider's transport: asked again on the next beat
            log.warning("channel refund part %s not answered: %s", part.pk, type(error).__name__)
            continue
        if answer.state == RefundStatus.UNKNOWN:
            answer = _ask(part)
        if answer is not None and answer.state in (RefundStatus.SUCCEEDED, RefundStatus.FAILED):
            answers[part.refund_id][part.id] = answer
    for refund_id, by_part in answers.items():
        parts_settle(refund_id, by_part)
    return sorted(part_id for by_part in answers.values() for part_id in by_part)
