from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .orgs import Organisation


class ImportBatch(models.Model):
    """A file a company imported (or tried to): who, when, which file, how many rows, what came of it."""

    class Kind(models.TextChoices):
        READINGS = "readings", _("热表读数")
        ONBOARDING = "onboarding", _("建档导入")
        LOW_INCOME_ROSTER = "low_income_roster", _("低保特困名册")
        BANK_COLLECTION = "bank_collection", _("银行代收")
        STATEMENT = "statement", _("对账单")

    class Status(models.TextChoices):
        REJECTED = "rejected", _("有错误，未写入")
        PREVIEWED = "previewed", _("已校验，待确认")
        COMMITTED = "committed", _("已写入")
        EXPIRED = "expired", _("预览已过期，未写入")

    company = models.ForeignKey(
        Organisation, models.PROTECT, related_name="import_batches", verbose_name=_("供热企业")
    )
    kind = models.CharField(_("类型"), max_length=20, choices=Kind.choices)
    file_name = models.CharField(_("文件名"), max_length=255)
    file_sha256 = models.CharField(_("文件校验值"), max_length=64)
    rows = models.PositiveIntegerField(_("行数"), default=0)
    error_count = models.PositiveIntegerField(_("错误数"), default=0)
    errors = models.JSONField(_("错误明细"), default=list, blank=True)
    status = models.CharField(_("状态"), max_length=20, choices=Status.choices)
    created_at = models.DateTimeField(_("上传时间"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("上传人")
    )
    committed_at = models.DateTimeField(_("写入时间"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("导入记录")
        verbose_name_plural = _("导入记录")

    def __str__(self):
        return f"{self.file_name} ({self.get_status_display()})"
