"""What an uploaded supporting file may be: a bounded size, an allowed extension, the content type that
extension claims, and contents that start as that kind of file does (a client's word for the type is
not trusted alone). Each use names its kinds and its limit (subsidy cost files, area-dispute documents)."""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


@dataclass(frozen=True)
class Kind:
    content_types: frozenset[str]
    magic: tuple[bytes, ...]


KINDS = {
    "pdf": Kind(frozenset({"application/pdf"}), (b"%PDF-",)),
    "jpg": Kind(frozenset({"image/jpeg"}), (b"\xff\xd8\xff",)),
    "jpeg": Kind(frozenset({"image/jpeg"}), (b"\xff\xd8\xff",)),
    "png": Kind(frozenset({"image/png"}), (b"\x89PNG\r\n\x1a\n",)),
    "xlsx": Kind(
        frozenset({"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}), (b"PK\x03\x04",)
    ),
}
NAME_MAX = 200
HEAD = 16  # bytes read to check a file's start: longer than every magic above


def attachment_check(
    *, name: str, content_type: str, size: int, head: bytes, allowed: frozenset[str], max_bytes: int,
    wrong_kind: str,
) -> str:
    """The file's extension (its kind) when it is acceptable; ValidationError in words otherwise
    (`wrong_kind` names the allowed kinds to the user)."""
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    kind = KINDS.get(extension) if extension in allowed else None
    if kind is None:
        raise ValidationError(wrong_kind, code="extension")
    if size <= 0:
        raise ValidationError(_("文件是空的。"), code="empty")
    if size > max_bytes:
        raise ValidationError(
            _("文件不能超过 %(mb)s MB。") % {"mb": max_bytes // (1024 * 1024)}, code="size"
        )
    if content_type.split(";")[0].strip().lower() not in kind.content_types or not head.startswith(
        kind.magic
    ):
        raise ValidationError(_("文件内容与扩展名不符。"), code="content")
    if len(name) > NAME_MAX or any(ord(ch) < 32 for ch in name):
        raise ValidationError(_("文件名过长或含有控制字符。"), code="name")
    return extension


def upload_check(upload, *, allowed: frozenset[str], max_bytes: int, wrong_kind: str) -> str:
    """attachment_check on an uploaded file (Django's UploadedFile), read from its start and left
    there; the file's extension."""
    upload.seek(0)
    head = upload.read(HEAD)
    upload.seek(0)
    return attachment_check(
        name=upload.name,
        content_type=upload.content_type or "",
        size=upload.size,
        head=head,
        allowed=allowed,
        max_bytes=max_bytes,
        wrong_kind=wrong_kind,
    )


def documents_read(
    uploads, *, allowed: frozenset[str], max_bytes: int, max_files: int, wrong_kind: str,
    field: str = "documents", label: str | None = None,
) -> list[tuple[str, bytes, str]]:
    """Every upload of a form's documents field checked (upload_check) before any is kept, as (name,
    contents, content type); ValidationError({field: …}) naming the file otherwise (`label` names the
    field to the user: 证明材料 unless given)."""
    label = label or _("证明材料")
    uploads = list(uploads)
    if len(uploads) > max_files:
        too_many = _("%(label)s：最多上传 %(n)s 个文件。") % {"label": label, "n": max_files}
        raise ValidationError({field: too_many})
    files = []
    for upload in uploads:
        try:
            upload_check(upload, allowed=allowed, max_bytes=max_bytes, wrong_kind=wrong_kind)
        except ValidationError as refused:
            raise ValidationError(
                {field: [_("%(label)s %(name)s：%(why)s") % {"label": label, "name": upload.name[:60],
                                                               "why": why} for why in refused.messages]}
            ) from None
        files.append((upload.name, upload.read(), upload.content_type.split(";")[0].strip().lower()))
    return files
