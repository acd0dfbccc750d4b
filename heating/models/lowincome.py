"""What a low-income application carries besides its certificate (POLICY.md §5): the scan the household
sent, and the reminder sent before the certificate runs out."""
from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .accounts import LowIncomeCertificate
from .files import StoredFile


def scan_path(instance, filename: str) -> str:
    # The stored name is the content's own, never the uploader's text (kept apart as `name`).
    return f"lowincome/{instance.certificate.account_id}/{instance.sha256}"


class LowIncomeScan(StoredFile):
    """The scan of the certificate a household applied with; only the civil-affairs bureau and the
    applicant may open it (heating.selectors.lowincome)."""

    certificate = models.ForeignKey(
        LowIncomeCertificate, models.CASCADE, related_name="scans", verbose_name=_("困难群体证件")
    )
    file = models.FileField(_("文件"), upload_to=scan_path, max_length=200)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("上传人"),
    )

    class Meta:
        ordering = ["certificate", "id"]
        verbose_name = _("证件扫描件")
        verbose_name_plural = _("证件扫描件")


class LowIncomeReminder(models.Model):
    """A household told that its certificate runs out on `valid_until`: one reminder per end date, so a
    daily run never repeats one and an extended certificate is reminded again."""

    certificate = models.ForeignKey(
        LowIncomeCertificate, models.CASCADE, related_name="reminders", verbose_name=_("困难群体证件")
    )
    valid_until = models.DateField(_("有效期至"))
    emailed = models.BooleanField(_("已发邮件"), default=False)
    created_at = models.DateTimeField(_("提醒时间"), auto_now_add=True)

    class Meta:
        ordering = ["certificate", "valid_until"]
        constraints = [
            models.UniqueConstraint(fields=["certificate", "valid_until"], name="unique_low_income_reminder")
        ]
        verbose_name = _("证件到期提醒")
        verbose_name_plural = _("证件到期提醒")

    def __str__(self):
        return f"{self.certificate} {self.valid_until}"
