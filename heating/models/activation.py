"""The code printed on a prepayment notice that lets a household sign up on the resident portal."""
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .accounts import Account


class ActivationCode(models.Model):
    """Only a hash of the code is kept (Django's password hashers): the clear code is shown once, on
    the notice or the counter's page. Issuing a new one voids the previous one."""

    account = models.ForeignKey(
        Account, models.CASCADE, related_name="activation_codes", verbose_name=_("账户")
    )
    code_hash = models.CharField(_("激活码（散列）"), max_length=200, editable=False)
    issued_at = models.DateTimeField(_("发放时间"), auto_now_add=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("发放人"),
    )
    voided_at = models.DateTimeField(_("作废时间"), null=True, blank=True)

    class Meta:
        ordering = ["account", "-issued_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["account"], condition=Q(voided_at__isnull=True), name="one_live_activation_code"
            )
        ]
        verbose_name = _("激活码")
        verbose_name_plural = _("激活码")

    def __str__(self):
        return f"{self.account} {self.issued_at:%Y-%m-%d %H:%M}"
