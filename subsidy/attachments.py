"""What a cost declaration's supporting file may be: PDF, JPG, PNG or XLSX within
SUBSIDY_ATTACHMENT_MAX_BYTES, checked by heating.attachments (the one check of uploaded files)."""

from django.conf import settings
from django.utils.translation import gettext as _

from heating import attachments

ALLOWED = frozenset({"pdf", "jpg", "jpeg", "png", "xlsx"})


def max_bytes() -> int:
    return settings.SUBSIDY_ATTACHMENT_MAX_BYTES


def attachment_check(*, name: str, content_type: str, size: int, head: bytes) -> str:
    """The file's extension (its kind) when it is acceptable; ValidationError in words otherwise."""
    return attachments.attachment_check(
        name=name,
        content_type=content_type,
        size=size,
        head=head,
        allowed=ALLOWED,
        max_bytes=max_bytes(),
        wrong_kind=_("只能上传 PDF、JPG、PNG 或 XLSX 文件。"),
    )
