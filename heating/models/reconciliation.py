"""The daily reconciliation (对账): a provider's statement for one day set against the payments in the
ledger, and every difference found, each closed by one recorded action with a reason."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .accounts import Account
from .fields import money_field, season_year_field
from .imports import ImportBatch
from .orders import PaymentOrder
from .orgs import Organisation
from .payments import Payment


class Reconciliation(models.Model):
    """One company's day of one source. Status follows its mismatches: none → matched; any open →
    open; all resolved → resolved."""

    class Source(models.TextChoices):
        WECHAT = "wechat", _("微信支付")
        ALIPAY = "alipay", _("支付宝")
        BANK = "bank", _("银行代收")

    class Status(models.TextChoices):
        MATCHED = "matched", _("一致")
        OPEN = "open", _("有差异待处理")
        RESOLVED = "resolved", _("差异已处理")

    company = models.ForeignKey(Organisation, models.PROTECT, related_name="+", verbose_name=_("供热企业"))
    day = models.DateField(_("对账日期"))
    source = models.CharField(_("渠道"), max_length=10, choices=Source.choices)
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices)
    batch = models.ForeignKey(ImportBatch, models.PROTECT, related_name="+", verbose_name=_("导入记录"))
    provider_count = models.PositiveIntegerField(_("渠道笔数"))
    provider_total = money_field(_("渠道金额（元）"))
    ledger_count = models.PositiveIntegerField(_("账上笔数"))
    ledger_total = money_field(_("账上金额（元）"))
    matched = models.PositiveIntegerField(_("一致笔数"))
    created_at = models.DateTimeField(_("对账时间"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("对账人")
    )

    class Meta:
        ordering = ["-day", "source"]
        constraints = [
            models.UniqueConstraint(fields=["company", "day", "source"], name="one_reconciliation_per_day")
        ]
        verbose_name = _("对账")
        verbose_name_plural = _("对账")

    def __str__(self):
        return f"{self.day} {self.source} {self.status}"


class Mismatch(models.Model):
    """One difference between the statement and the ledger. The provider's side is the statement's
    row (its line number, the order number or bank reference, the amount); the ledger's side is the
    payment. Never changed once resolved; a resolution's ledger effect carries the reason in its memo."""

    class Kind(models.TextChoices):
        MISSING_IN_LEDGER = "missing_in_ledger", _("渠道已收款、账上没有")
        MISSING_AT_PROVIDER = "missing_at_provider", _("账上有、渠道没有")
        AMOUNT = "amount", _("金额不符")
        DUPLICATE = "duplicate", _("渠道重复记录")
        REFUND = "refund", _("渠道已退款、账上未退")

    class Action(models.TextChoices):
        RECORD = "record", _("补记收款")
        REVERSE = "reverse", _("冲正")
        ADJUST = "adjust", _("按渠道金额调整")
        NONE = "none", _("无需处理")

    reconciliation = models.ForeignKey(
        Reconciliation, models.CASCADE, related_name="mismatches", verbose_name=_("对账")
    )
    kind = models.CharField(_("差异"), max_length=20, choices=Kind.choices)
    row = models.PositiveIntegerField(_("账单行号"), null=True, blank=True)
    reference = models.CharField(_("订单号/流水号"), max_length=100, blank=True)
    transaction_id = models.CharField(_("渠道交易号"), max_length=64, blank=True)
    provider_amount = money_field(_("渠道金额（元）"), null=True, blank=True)
    ledger_amount = money_field(_("账上金额（元）"), null=True, blank=True)
    occurred_on = models.DateField(_("交易日期"), null=True, blank=True)
    account = models.ForeignKey(
        Account, models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("账户")
    )
    season_year = season_year_field(_("供暖季"), null=True, blank=True)
    order = models.ForeignKey(
        PaymentOrder, models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("支付订单")
    )
    payment = models.ForeignKey(
        Payment, models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("账上收款")
    )
    action = models.CharField(_("处理"), max_length=10, choices=Action.choices, blank=True)
    reason = models.CharField(_("原因"), max_length=200, blank=True)
    resolved_payment = models.ForeignKey(
        Payment, models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("补记的收款")
    )
    resolved_at = models.DateTimeField(_("处理时间"), null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("处理人"),
    )

    class Meta:
        ordering = ["reconciliation", "kind", "row", "id"]
        verbose_name = _("对账差异")
        verbose_name_plural = _("对账差异")

    def __str__(self):
        return f"{self.get_kind_display()} {self.reference}"

    @property
    def actions(self) -> list["Mismatch.Action"]:
        """The actions that fit this difference (always 'none' among them)."""
        if self.kind == self.Kind.MISSING_IN_LEDGER and (self.order_id or self.account_id):
            return [self.Action.RECORD, self.Action.NONE]
        if self.kind == self.Kind.MISSING_AT_PROVIDER:
            return [self.Action.REVERSE, self.Action.NONE]
        if self.kind == self.Kind.AMOUNT:
            return [self.Action.ADJUST, self.Action.NONE]
        return [self.Action.NONE]
