"""An institution's application for the residential price (POLICY.md §1, §10.2): who asked for which
InstitutionApproval, the statement of its own-use space and the documents behind it. The approval
itself (category, season, status, decision) stays on InstitutionApproval, decided only through
heating.services.decisions.institution_decide."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .accounts import InstitutionApproval
from .files import StoredFile

DOCUMENT_MAX_BYTES = 5 * 1024 * 1024
DOCUMENTS_MAX = 5


class InstitutionApplication(models.Model):
    approval = models.OneToOneField(
        InstitutionApproval, models.CASCADE, related_name="application", verbose_name=_("单位居民价格资格")
    )
    statement = models.TextField(_("自用面积说明"))
    applied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("申请人")
    )
    applied_at = models.DateTimeField(_("申请时间"))

    class Meta:
        ordering = ["applied_at", "id"]
        verbose_name = _("单位居民价格申请")
        verbose_name_plural = _("单位居民价格申请")

    def __str__(self):
        return str(self.approval)


def document_path(instance, filename: str) -> str:
    # The stored name is the row's own, never the uploader's text (kept apart as `name`).
    return f"heating/institutions/{instance.application_id}/{instance.sha256}"


class InstitutionDocument(StoredFile):
    """A supporting document (办学许可证, 登记证书, a floor plan of the own-use space)."""

    application = models.ForeignKey(
        InstitutionApplication, models.CASCADE, related_name="documents", verbose_name=_("单位居民价格申请")
    )
    file = models.FileField(_("文件"), upload_to=document_path, max_length=200)

    class Meta:
        ordering = ["application", "id"]
        verbose_name = _("单位申请材料")
        verbose_name_plural = _("单位申请材料")
