from django.db import models
from django.utils.translation import gettext_lazy as _


class StoredFile(models.Model):
    """What the portal keeps beside an uploaded file (each kind adds its `file` field, stored under a
    name of the row's own, never the uploader's text, which is kept apart as `name`)."""

    name = models.CharField(_("文件名"), max_length=200)
    content_type = models.CharField(_("文件类型"), max_length=100)
    size = models.PositiveIntegerField(_("大小（字节）"))
    sha256 = models.CharField(_("文件摘要"), max_length=64)
    uploaded_at = models.DateTimeField(_("上传时间"), auto_now_add=True)

    class Meta:
        abstract = True

    def __str__(self):
        return self.name
