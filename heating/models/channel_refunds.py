"""A settlement refund paid back through the online orders that brought the money in (原路退回):
one part per order, each asked of the provider under its own refund number."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from .fields import money_field
from .orders import PaymentOrder
from .payments import Payment
from .refunds import Refund


class ChannelRefund(models.Model):
    """One part of a refund sent back through one paid order. States: submitted → succeeded | failed,
    set only by heating.services.channel_refunds under the refund's row lock. The refund number is
    the provider's idempotency key: asking again with it never refunds twice. A failed part stays as
    the record of why; a retry sends a new part with a new number."""

    class State(models.TextChoices):
        SUBMITTED = "submitted", _("退款处理中")
        SUCCEEDED = "succeeded", _("退款成功")
        FAILED = "failed", _("退款失败")

    # Parts that hold some of the order's money: in flight or done.
    HOLDING = (State.SUBMITTED, State.SUCCEEDED)

    refund = models.ForeignKey(Refund, models.PROTECT, related_name="channel_parts", verbose_name=_("退费"))
    order = models.ForeignKey(
        PaymentOrder, models.PROTECT, related_name="refund_parts", verbose_name=_("支付订单")
    )
    amount = money_field(_("金额（元）"))
    refund_no = models.CharField(_("退款单号"), max_length=64, unique=True)
    state = models.CharField(_("状态"), max_length=10, choices=State.choices, default=State.SUBMITTED)
    provider_refund_id = models.CharField(_("渠道退款单号"), max_length=64, blank=True)
    reason = models.CharField(_("失败原因"), max_length=200, blank=True)
    submitted_at = models.DateTimeField(_("提交时间"), auto_now_add=True)
    settled_at = models.DateTimeField(_("完成时间"), null=True, blank=True)

    class Meta:
        ordering = ["refund", "id"]
        indexes = [models.Index(fields=["state", "submitted_at"], name="channel_refund_state")]
        constraints = [
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="channel_refund_positive")
        ]
        verbose_name = _("原路退款")
        verbose_name_plural = _("原路退款")

    def __str__(self):
        return self.refund_no

    @property
    def channel(self) -> str:
        """Where the money went back to (微信, 支付宝, 演示支付): a provider is named by its channel."""
        provider = self.order.provider
        return Payment.Channel(provider).label if provider in Payment.Channel.values else provider
