"""What a cost declaration's supporting file may be (heating.attachments, with subsidy's kinds and limit)."""

from django.conf import settings
from django.utils.translation import gettext as _

from heating.attachments import JPEG, PDF, PNG, XLSX, file_check

KINDS = {"pdf": PDF, "jpg": JPEG, "jpeg": JPEG, "png": PNG, "xlsx": XLSX}


def max_bytes() -> int:
    return settings.SUBSIDY_ATTACHMENT_MAX_BYTES


def attachment_check(*, name: str, content_type: str, size: int, head: bytes) -> str:
    """The file's extension (its kind) when it is acceptable; ValidationError in words otherwise."""
    return file_check(
        name=name, content_type=content_type, size=size, head=head, kinds=KINDS, max_bytes=max_bytes(),
        wrong_extension=_("只能上传 PDF、JPG、PNG 或 XLSX 文件。"),
    )
