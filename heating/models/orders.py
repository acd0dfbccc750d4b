"""Online payment orders: one per payment attempt, the notifications received about them, each
company's merchant configuration per provider, and the sandbox provider's own book of trades."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from .accounts import Account
from .fields import money_field, season_year_field
from .orgs import Organisation
from .payments import Payment


class ProviderAccount(models.Model):
    """A company's merchant account with one payment provider. Secrets (private keys, API keys) are
    stored encrypted (heating.payments.config) and shown only as `secrets_masked`; the public key
    that verifies the provider's notifications, its id and the certificate serial are not secret.
    `merchant_id` is WeChat Pay's 商户号 or Alipay's PID (seller id); `app_id` either's APPID."""

    company = models.ForeignKey(
        Organisation, models.PROTECT, related_name="provider_accounts", verbose_name=_("供热企业")
    )
    provider = models.CharField(_("支付渠道"), max_length=20)
    merchant_id = models.CharField(_("商户号"), max_length=64)
    app_id = models.CharField(_("应用 ID"), max_length=64, blank=True)
    public_key = models.TextField(_("验签公钥"), blank=True)
    public_key_id = models.CharField(_("验签公钥 ID"), max_length=64, blank=True)
    cert_serial_no = models.CharField(_("商户证书序列号"), max_length=64, blank=True)
    secrets_cipher = models.TextField(_("密钥（加密）"), blank=True, editable=False)
    secrets_masked = models.CharField(_("密钥"), max_length=200, blank=True, editable=False)
    active = models.BooleanField(_("启用"), default=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["company", "provider"], name="one_provider_account_per_company"),
            models.UniqueConstraint(fields=["provider", "merchant_id"], name="unique_provider_merchant"),
        ]
        verbose_name = _("支付商户")
        verbose_name_plural = _("支付商户")

    def __str__(self):
        return f"{self.provider} {self.merchant_id}"


class PaymentOrder(ConcurrentTransitionMixin, models.Model):
    """One online payment attempt. States: created → paid | closed; paid → refunded. The amount is
    fixed by the server from the ledger when the order is created. Only heating.services.orders moves
    an order, under a row lock; a paid order holds the one Payment it produced."""

    class Purpose(models.TextChoices):
        PREPAYMENT = "prepayment", _("预交采暖费")
        OWED = "owed", _("补缴欠费")

    class State(models.TextChoices):
        CREATED = "created", _("待支付")
        PAID = "paid", _("已支付")
        CLOSED = "closed", _("已关闭")
        REFUNDED = "refunded", _("已退款")

    company = models.ForeignKey(Organisation, models.PROTECT, related_name="+", verbose_name=_("供热企业"))
    account = models.ForeignKey(
        Account, models.PROTECT, related_name="payment_orders", verbose_name=_("账户")
    )
    season_year = season_year_field(_("供暖季"))
    purpose = models.CharField(_("用途"), max_length=12, choices=Purpose.choices)
    amount = money_field(_("金额（元）"))
    provider = models.CharField(_("支付渠道"), max_length=20)
    out_trade_no = models.CharField(_("订单号"), max_length=32, unique=True)
    state = FSMField(_("状态"), max_length=10, choices=State.choices, default=State.CREATED)
    transaction_id = models.CharField(_("渠道交易号"), max_length=64, blank=True)
    created_at = models.DateTimeField(_("下单时间"), auto_now_add=True)
    paid_at = models.DateTimeField(_("支付时间"), null=True, blank=True)
    closed_at = models.DateTimeField(_("关闭时间"), null=True, blank=True)
    payment = models.OneToOneField(
        Payment, models.PROTECT, null=True, blank=True, related_name="order", verbose_name=_("收款")
    )

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["state", "created_at"], name="order_state_created")]
        constraints = [
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="order_amount_positive"),
            models.UniqueConstraint(
                fields=["provider", "transaction_id"],
                condition=~models.Q(transaction_id=""),
                name="unique_order_transaction",
            ),
            # One payment attempt at a time per season and purpose (heating.services.orders.order_create).
            models.UniqueConstraint(
                fields=["account", "season_year", "purpose"],
                condition=models.Q(state="created"),
                name="one_open_order",
            ),
        ]
        verbose_name = _("支付订单")
        verbose_name_plural = _("支付订单")

    def __str__(self):
        return self.out_trade_no

    @transition(field=state, source=State.CREATED, target=State.PAID)
    def pay(self, *, transaction_id: str, paid_at, payment: Payment):
        self.transaction_id, self.paid_at, self.payment = transaction_id, paid_at, payment

    @transition(field=state, source=State.CREATED, target=State.CLOSED)
    def close(self, *, closed_at):
        self.closed_at = closed_at

    @transition(field=state, source=State.PAID, target=State.REFUNDED)
    def refund(self):
        pass


class PaymentNotification(models.Model):
    """Every notification received, with what was done about it. Only the body's digest is kept:
    never the body, its signature or any key."""

    class Verdict(models.TextChoices):
        APPLIED = "applied", _("已入账")
        DUPLICATE = "duplicate", _("重复通知")
        BAD_SIGNATURE = "bad_signature", _("签名无效")
        EXPIRED = "expired", _("时间戳过期")
        MALFORMED = "malformed", _("格式错误")
        TOO_LARGE = "too_large", _("内容过大")
        UNKNOWN_PROVIDER = "unknown_provider", _("未知渠道")
        UNKNOWN_MERCHANT = "unknown_merchant", _("未知商户")
        UNKNOWN_ORDER = "unknown_order", _("未知订单")
        WRONG_AMOUNT = "wrong_amount", _("金额不符")
        NOT_PAID = "not_paid", _("未支付")
        ORDER_CLOSED = "order_closed", _("订单已关闭")
        ERROR = "error", _("处理出错")

    provider = models.CharField(_("支付渠道"), max_length=20)
    body_sha256 = models.CharField(_("内容摘要"), max_length=64)
    verdict = models.CharField(_("处理结果"), max_length=20, choices=Verdict.choices)
    order = models.ForeignKey(
        PaymentOrder,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="notifications",
        verbose_name=_("支付订单"),
    )
    received_at = models.DateTimeField(_("接收时间"), auto_now_add=True)

    class Meta:
        ordering = ["-received_at"]
        verbose_name = _("支付通知")
        verbose_name_plural = _("支付通知")

    def __str__(self):
        return f"{self.provider} {self.verdict} {self.received_at:%Y-%m-%d %H:%M:%S}"


class SandboxTrade(models.Model):
    """The sandbox provider's side of an order (heating.payments.sandbox): what its pretend payer
    did. A real provider keeps this on its own servers."""

    class State(models.TextChoices):
        NOTPAY = "NOTPAY", _("未支付")
        SUCCESS = "SUCCESS", _("支付成功")
        CLOSED = "CLOSED", _("已关闭")
        REFUND = "REFUND", _("已退款")

    merchant_id = models.CharField(_("商户号"), max_length=64)
    out_trade_no = models.CharField(_("订单号"), max_length=32, unique=True)
    amount = money_field(_("金额（元）"))
    state = models.CharField(_("状态"), max_length=10, choices=State.choices, default=State.NOTPAY)
    transaction_id = models.CharField(_("渠道交易号"), max_length=64, blank=True)
    paid_at = models.DateTimeField(_("支付时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("演示渠道交易")
        verbose_name_plural = _("演示渠道交易")

    def __str__(self):
        return self.out_trade_no


class SandboxRefund(models.Model):
    """The sandbox provider's side of a refund (heating.payments.sandbox), one per refund number."""

    class State(models.TextChoices):
        PROCESSING = "PROCESSING", _("退款处理中")
        SUCCESS = "SUCCESS", _("退款成功")
        ABNORMAL = "ABNORMAL", _("退款异常")

    trade = models.ForeignKey(SandboxTrade, models.PROTECT, related_name="refunds", verbose_name=_("交易"))
    refund_no = models.CharField(_("退款单号"), max_length=64, unique=True)
    refund_id = models.CharField(_("渠道退款单号"), max_length=64)
    amount = money_field(_("金额（元）"))
    state = models.CharField(_("状态"), max_length=10, choices=State.choices)
    reason = models.CharField(_("原因"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("演示渠道退款")
        verbose_name_plural = _("演示渠道退款")

    def __str__(self):
        return self.refund_no
