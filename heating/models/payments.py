from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .accounts import Account
from .fields import money_field, season_year_field
from .history import History


class Payment(models.Model):
    """Money received for a season's heating. Recorded through `heating.services.payments.payment_record`,
    which writes its ledger entries in the same transaction; balances are sums of those entries."""

    class Channel(models.TextChoices):
        CASH = "cash", _("现金")
        CARD = "card", _("银行卡")
        BANK = "bank", _("转账")
        WECHAT = "wechat", _("微信")
        ALIPAY = "alipay", _("支付宝")
        CREDIT = "credit", _("上季退费转入")
        BANK_COLLECTION = "bank_collection", _("银行代收")
        SANDBOX = "sandbox", _("演示支付")

    account = models.ForeignKey(Account, models.PROTECT, related_name="payments", verbose_name=_("账户"))
    season_year = season_year_field(_("供暖季"))
    amount = money_field(_("金额（元）"))
    paid_on = models.DateField(_("收款日期"))
    channel = models.CharField(_("方式"), max_length=20, choices=Channel.choices)
    reference = models.CharField(_("凭证号"), max_length=100, blank=True)
    created_at = models.DateTimeField(_("录入时间"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("录入人"),
    )
    history = History()

    class Meta:
        ordering = ["account", "season_year", "paid_on"]
        indexes = [models.Index(fields=["account", "season_year"], name="payment_account_season")]
        constraints = [
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="payment_positive")
        ]
        verbose_name = _("收款")
        verbose_name_plural = _("收款")

    def __str__(self):
        return f"{self.account} {self.season_year}: ¥{self.amount}"
