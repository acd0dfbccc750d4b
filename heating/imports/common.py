"""What both imports share: cell parsers with messages in words, the error list, the batch's record."""

import datetime
import re
from dataclasses import dataclass, field
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from heating.identity import mask_id_numbers_in
from heating.models import ImportBatch

from .files import (
    FileRefused,
    PendingMissing,
    Table,
    file_sha256,
    pending_discard,
    pending_load,
    pending_save,
    read_table,
    summary_save,
)

# Reading devices and clerks write county time; a time without an offset is taken as such.
LOCAL_TZ = ZoneInfo("Asia/Shanghai")
# A file can have an error in every cell; the batch keeps the first ones, error_count has them all.
MAX_STORED_ERRORS = 5000
MAX_LISTED = 1000

_DECIMAL = re.compile(r"-?[0-9]{1,15}(\.[0-9]{1,12})?")
_INTEGER = re.compile(r"[0-9]{1,9}")
# What Excel writes into a CSV in a Chinese locale: 2020/3/15 8:00, 2020年3月15日.
_LOOSE = re.compile(
    r"([0-9]{4})[/.年-]([0-9]{1,2})[/.月-]([0-9]{1,2})日?"
    r"(?:[ T]+([0-9]{1,2}):([0-9]{2})(?::([0-9]{2}))?)?"
)


class NotPending(Exception):
    """The batch is not waiting for a commit (already written, refused, or of another kind)."""


class CellError(ValueError):
    """A cell that cannot be read; the message is for people."""


def parse_decimal(text: str, *, places: int | None = None, what: str = "数值") -> Decimal:
    if not _DECIMAL.fullmatch(text):
        raise CellError(f"“{text}”不是有效的{what}（应为十进制数字，如 123.45）")
    value = Decimal(text)
    if places is not None and -value.as_tuple().exponent > places:
        raise CellError(f"{what}最多 {places} 位小数：“{text}”")
    return value


def parse_int(text: str, *, what: str) -> int:
    if not _INTEGER.fullmatch(text):
        raise CellError(f"{what}应为非负整数：“{text}”")
    return int(text)


def parse_moment(text: str) -> datetime.datetime:
    """An ISO 8601 date and time (or Excel's 2020/3/15 8:00); without an offset, county time."""
    try:
        moment = datetime.datetime.fromisoformat(text)
        has_time = "T" in text.upper() or " " in text.strip()
    except ValueError:
        match = _LOOSE.fullmatch(text)
        if not match:
            raise CellError(
                f"“{text}”不是有效的时间，应为 ISO 8601 格式，如 2020-03-15T08:00:00+08:00"
            ) from None
        has_time = match[4] is not None
        try:
            moment = datetime.datetime(*(int(g) for g in match.groups() if g is not None))
        except ValueError:
            raise CellError(f"“{text}”不是存在的日期时间") from None
    if not has_time:
        raise CellError(f"“{text}”只有日期，须写明抄表时刻，如 2020-03-15 08:00")
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=LOCAL_TZ)
    return moment


def parse_date(text: str) -> datetime.date:
    """A calendar date: 2019-11-01, 2019/11/1 or an Excel date cell (midnight)."""
    match = _LOOSE.fullmatch(text.replace("T00:00:00", "").replace(" 00:00:00", ""))
    if not match or match[4] is not None:
        raise CellError(f"“{text}”不是有效的日期，应为 YYYY-MM-DD，如 2019-11-01")
    try:
        return datetime.date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError:
        raise CellError(f"“{text}”不是存在的日期") from None


def parse_choice(text: str, choices: dict[str, str], *, what: str) -> str:
    value = choices.get(text.strip().lower())
    if value is None:
        raise CellError(f"未知的{what}“{text}”")
    return value


def check_length(text: str, limit: int, *, what: str) -> str:
    if len(text) > limit:
        raise CellError(f"{what}最多 {limit} 个字符（现为 {len(text)} 个）")
    return text


class Errors:
    """Row errors in the order found: the first MAX_STORED_ERRORS kept, all counted.

    The one place an import's messages are recorded: a message quotes cells, and a cell may hold an
    identity number (a books file without its header, a number in the wrong column), so every
    ID-shaped run is masked here, before the batch, the page, errors.csv or the admin can show it."""

    def __init__(self, labels: dict[str, str] | None = None):
        self.labels = labels or {}
        self.items: list[dict] = []
        self.count = 0
        self.rows: set[int] = set()

    def add(self, row: int | None, column: str, message: str) -> None:
        self.count += 1
        if row is not None:
            self.rows.add(row)
        if len(self.items) < MAX_STORED_ERRORS:
            label = self.labels.get(column, column)
            self.items.append(
                {"row": row, "column": mask_id_numbers_in(label), "message": mask_id_numbers_in(message)}
            )

    def sorted(self) -> list[dict]:
        return sorted(self.items, key=lambda e: e["row"] or 0)

    def __bool__(self):
        return self.count > 0


@dataclass
class ImportResult:
    """What became of a file: the batch recorded, the counts, and every error (up to the cap)."""

    batch: ImportBatch
    rows: int
    error_count: int
    errors: list[dict]
    committed: bool
    summary: dict = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.error_count == 0


def batch_create(*, company, user, kind, file_name, data=None, sha256=None, rows, status) -> ImportBatch:
    return ImportBatch.objects.create(
        company=company,
        kind=kind,
        file_name=mask_id_numbers_in(file_name)[:255],
        file_sha256=sha256 or file_sha256(data),
        rows=rows,
        status=status,
        created_by=user,
    )


def batch_refused(
    *, company, user, kind, file_name, refusal: FileRefused, data=None, sha256=None
) -> ImportResult:
    """A file that could not be read at all is still recorded, with why."""
    errors = Errors()
    errors.add(None, "", str(refusal))
    batch = batch_create(
        company=company,
        user=user,
        kind=kind,
        file_name=file_name,
        data=data,
        sha256=sha256,
        rows=0,
        status=ImportBatch.Status.REJECTED,
    )
    batch.errors, batch.error_count = errors.items, errors.count
    batch.save(update_fields=["errors", "error_count"])
    return ImportResult(batch=batch, rows=0, error_count=1, errors=batch.errors, committed=False)


def batch_finish(batch: ImportBatch, errors: Errors, summary: dict, *, committed: bool, data=None) -> None:
    """Record the outcome on the batch; keep the file for the commit when it is valid and waiting."""
    batch.errors = errors.sorted()
    batch.error_count = errors.count
    if errors:
        batch.status = ImportBatch.Status.REJECTED
    elif committed:
        batch.status = ImportBatch.Status.COMMITTED
        batch.committed_at = timezone.now()
    else:
        batch.status = ImportBatch.Status.PREVIEWED
    batch.save(update_fields=["errors", "error_count", "status", "committed_at"])
    summary_save(batch.pk, {**summary, "error_rows": len(errors.rows)})
    if batch.status == ImportBatch.Status.PREVIEWED and data is not None:
        pending_save(batch.pk, data)


def batch_lock_pending(
    batch: ImportBatch, kind: str, columns=None, *, read=None
) -> tuple[ImportBatch, "Table | ImportResult"]:
    """In the caller's transaction: lock a previewed batch of `kind` and read its kept file again
    (with `read(file_name, data)` for a file that is not one table of `columns`).

    Returns the locked batch and its table, or, when the kept file is gone, the refused result.
    The kept file is removed once the transaction commits, whatever comes of it."""
    batch = ImportBatch.objects.select_for_update().get(pk=batch.pk)
    if batch.status != ImportBatch.Status.PREVIEWED or batch.kind != kind:
        raise NotPending(batch.pk)
    transaction.on_commit(lambda pk=batch.pk: pending_discard(pk))
    try:
        data = pending_load(batch.pk)
        return batch, read(batch.file_name, data) if read else read_table(batch.file_name, data, columns)
    except (PendingMissing, FileRefused):
        errors = Errors()
        errors.add(None, "", "服务器上已找不到待导入的文件，请重新上传。")
        batch_finish(batch, errors, {}, committed=False)
        return batch, ImportResult(batch, batch.rows, 1, batch.errors, False, {})


@transaction.atomic
def batch_previews_expire(*, now=None) -> list[int]:
    """Previews not committed within IMPORT_PREVIEW_HOURS: mark them expired and delete their kept
    files (they hold identity numbers). A batch being committed is locked and skipped this time."""
    cutoff = (now or timezone.now()) - datetime.timedelta(hours=settings.IMPORT_PREVIEW_HOURS)
    stale = list(
        ImportBatch.objects.select_for_update(skip_locked=True)
        .filter(status=ImportBatch.Status.PREVIEWED, created_at__lt=cutoff)
        .values_list("pk", flat=True)
    )
    ImportBatch.objects.filter(pk__in=stale).update(status=ImportBatch.Status.EXPIRED)

    def discard():
        for pk in stale:
            pending_discard(pk)

    transaction.on_commit(discard)
    return stale
