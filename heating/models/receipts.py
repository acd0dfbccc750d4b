from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .orgs import Organisation
from .payments import Payment


class ReceiptCounter(models.Model):
    """The last receipt number a company issued in a year. Locked (select_for_update) inside the
    payment's transaction, so numbers have no gaps and no repeats: a rolled-back payment rolls its
    number back with it."""

    company = models.ForeignKey(Organisation, models.PROTECT, related_name="+", verbose_name=_("供热企业"))
    year = models.PositiveSmallIntegerField(_("年度"))
    last = models.PositiveIntegerField(_("已用至"), default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["company", "year"], name="unique_receipt_counter")]
        verbose_name = _("收据号计数")
        verbose_name_plural = _("收据号计数")

    def __str__(self):
        return f"{self.company_id} {self.year}: {self.last}"


class Receipt(models.Model):
    """The receipt (收据) handed over for a payment taken at the counter; never edited."""

    company = models.ForeignKey(
        Organisation, models.PROTECT, related_name="receipts", verbose_name=_("供热企业")
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    sequence = models.PositiveIntegerField(_("序号"))
    number = models.CharField(_("收据号"), max_length=40, unique=True)
    payment = models.OneToOneField(Payment, models.PROTECT, related_name="receipt", verbose_name=_("收款"))
    issued_at = models.DateTimeField(_("开具时间"), auto_now_add=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("开具人"),
    )

    class Meta:
        ordering = ["company", "year", "sequence"]
        constraints = [
            models.UniqueConstraint(fields=["company", "year", "sequence"], name="unique_receipt_sequence")
        ]
        verbose_name = _("收据")
        verbose_name_plural = _("收据")

    def __str__(self):
        return self.number


class ReceiptVoid(models.Model):
    """A receipt made void when its payment was reversed: a record of its own, the receipt unchanged."""

    receipt = models.OneToOneField(Receipt, models.PROTECT, related_name="void", verbose_name=_("收据"))
    reason = models.CharField(_("作废原因"), max_length=200)
    voided_at = models.DateTimeField(_("作废时间"), auto_now_add=True)
    voided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("作废人"),
    )

    class Meta:
        verbose_name = _("收据作废")
        verbose_name_plural = _("收据作废")

    def __str__(self):
        return f"{self.receipt}: {self.reason}"
