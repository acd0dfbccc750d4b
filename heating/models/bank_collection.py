from django.db import models
from django.utils.translation import gettext_lazy as _

from .imports import ImportBatch
from .orgs import Organisation
from .payments import Payment


class BankCollection(models.Model):
    """A bank's collection (银行代收) recorded from its daily file: the bank's reference, once per
    company, and the payment it became. The unique reference is what keeps a collection from being
    paid twice, whichever file or commit brings it again."""

    company = models.ForeignKey(Organisation, models.PROTECT, related_name="+", verbose_name=_("供热企业"))
    reference = models.CharField(_("银行流水号"), max_length=100)
    payment = models.OneToOneField(
        Payment, models.PROTECT, related_name="bank_collection", verbose_name=_("收款")
    )
    batch = models.ForeignKey(
        ImportBatch, models.PROTECT, related_name="bank_collections", verbose_name=_("导入记录")
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["company", "reference"], name="bank_collection_reference_once")
        ]
        verbose_name = _("银行代收")
        verbose_name_plural = _("银行代收")

    def __str__(self):
        return self.reference
