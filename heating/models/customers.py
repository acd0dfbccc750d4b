from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from heating import identity

from .history import History
from .orgs import Organisation


class Customer(models.Model):
    """A heating company's customer (采暖户). A portal login may be linked to see their accounts."""

    company = models.ForeignKey(
        Organisation, models.PROTECT, related_name="customers", verbose_name=_("供热企业")
    )
    name = models.CharField(_("姓名/单位名称"), max_length=100)
    phone = models.CharField(_("联系电话"), max_length=30, blank=True)
    id_number_cipher = models.TextField(_("身份证号（密文）"), blank=True, editable=False)
    id_number_hash = models.CharField(
        _("身份证号（检索散列）"), max_length=64, blank=True, db_index=True, editable=False
    )
    id_number_masked = models.CharField(_("身份证号"), max_length=18, blank=True, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="customers",
        verbose_name=_("门户登录账号"),
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    history = History(excluded_fields=["id_number_cipher", "id_number_hash"])

    class Meta:
        ordering = ["company", "name"]
        verbose_name = _("客户")
        verbose_name_plural = _("客户")

    def __str__(self):
        return self.name

    def set_id_number(self, number: str):
        protected = identity.protect(number)
        self.id_number_cipher = protected.cipher
        self.id_number_hash = protected.hash
        self.id_number_masked = protected.masked
