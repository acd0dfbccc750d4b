"""Spreadsheet files in and out: CSV/XLSX into rows of text, header names into columns, templates.

Row numbers are the ones a spreadsheet shows: the header is row 1 (in the usual file), the first data
row is row 2, and blank rows keep their number so that an error points at the right line.
"""
import base64
import csv
import datetime
import hashlib
import hmac
import io
import json
import os
import re
import tempfile
import unicodedata
import zipfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import tablib
from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings

MAX_BYTES = 20 * 1024 * 1024
MAX_ROWS = 200_000
FORMATS = ("csv", "xlsx")
CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


class FileRefused(ValueError):
    """The file as a whole cannot be read (size, format, encoding, header); the message is for people."""


@dataclass(frozen=True)
class Column:
    key: str
    label: str  # the Chinese header the template uses
    aliases: tuple[str, ...] = ()
    required: bool = False


@dataclass
class Table:
    """Data rows as text cells in column order, with the spreadsheet row number of each."""

    labels: dict[str, str]  # column key → the header as the file spells it
    numbers: list[int]
    rows: list[tuple[str, ...]]
    keys: tuple[str, ...]

    def __len__(self):
        return len(self.rows)


def file_sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _header_key(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).replace("\ufeff", "").strip().lower()
    return re.sub(r"[\s_\-（）()]+", "", text)


def _cell_text(value) -> str:
    """A cell as text the parsers understand: numbers without a float tail, times in ISO 8601."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, datetime.datetime | datetime.date | datetime.time):
        return value.isoformat()
    return str(value).strip()


def _csv_rows(data: bytes) -> Iterator[list[str]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = data.decode("gb18030")
        except UnicodeDecodeError:
            raise FileRefused("无法识别文件编码：请另存为 UTF-8 或 GB18030 编码的 CSV。") from None
    try:
        yield from csv.reader(io.StringIO(text, newline=""))
    except csv.Error as exc:
        raise FileRefused(f"CSV 格式有误：{exc}") from None


def _xlsx_rows(data: bytes) -> Iterator[list[str]]:
    import openpyxl

    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise FileRefused(f"无法读取 Excel 文件（{type(exc).__name__}）：请上传 .xlsx 格式。") from None
    try:
        for row in book.worksheets[0].iter_rows(values_only=True):
            yield [_cell_text(value) for value in row]
    finally:
        book.close()


def _kind(file_name: str, data: bytes) -> str:
    if data[:4] == b"PK\x03\x04":
        return "xlsx"
    name = file_name.lower()
    if name.endswith((".xlsx", ".xlsm")):
        raise FileRefused("文件扩展名是 .xlsx，但内容不是 Excel 文件。")
    if name.endswith(".xls"):
        raise FileRefused("不支持旧版 .xls 文件：请在 Excel 中另存为 .xlsx 或 CSV。")
    return "csv"


def read_table(file_name: str, data: bytes, columns: Sequence[Column]) -> Table:
    """The rows of the first sheet (or the CSV), cells as stripped text, mapped to `columns`.

    The header is the first non-blank row; blank rows are skipped but keep their numbers, and so are
    columns without a header.
    """
    if len(data) > MAX_BYTES:
        raise FileRefused(f"文件超过 {MAX_BYTES // (1024 * 1024)} MB，请拆分后分批导入。")
    if not data.strip():
        raise FileRefused("文件是空的。")
    rows = _xlsx_rows(data) if _kind(file_name, data) == "xlsx" else _csv_rows(data)
    number = 0
    positions = None
    keys: tuple[str, ...] = ()
    labels: dict[str, str] = {}
    numbers: list[int] = []
    table: list[tuple[str, ...]] = []
    for raw in rows:
        number += 1
        if positions is None:
            if not any(cell.strip() for cell in raw):
                continue
            positions, keys, labels = _map_header(raw, columns)
            continue
        cells = [raw[p].strip() if p < len(raw) else "" for p in positions]
        if not any(cells):
            continue
        if len(table) >= MAX_ROWS:
            raise FileRefused(f"文件超过 {MAX_ROWS:,} 行数据，请拆分后分批导入。")
        numbers.append(number)
        table.append(tuple(cells))
    if positions is None:
        raise FileRefused("文件没有表头行。")
    return Table(labels=labels, numbers=numbers, rows=table, keys=keys)


def _map_header(raw: list[str], columns: Sequence[Column]):
    names = {}
    for column in columns:
        for name in (column.key, column.label, *column.aliases):
            names[_header_key(name)] = column
    positions, keys, labels, unknown = [], [], {}, []
    for position, cell in enumerate(raw):
        if not cell.strip():
            continue
        column = names.get(_header_key(cell))
        if column is None:
            unknown.append(cell.strip())
        elif column.key in labels:
            raise FileRefused(f"表头“{cell.strip()}”与“{labels[column.key]}”是同一列，请删除其一。")
        else:
            positions.append(position)
            keys.append(column.key)
            labels[column.key] = cell.strip()
    if unknown:
        expected = "、".join(c.label for c in columns)
        raise FileRefused(f"无法识别的表头：{'、'.join(unknown)}。可用的列：{expected}。")
    missing = [c.label for c in columns if c.required and c.key not in labels]
    if missing:
        raise FileRefused(f"缺少必填列：{'、'.join(missing)}。")
    return positions, tuple(keys), labels


def template(columns: Sequence[Column], examples: Sequence[Sequence[str]], fmt: str) -> bytes:
    """A template with the Chinese headers and example rows, as CSV (UTF-8 with BOM, for Excel) or XLSX."""
    dataset = tablib.Dataset(headers=[c.label for c in columns], title="导入模板")
    for example in examples:
        dataset.append(list(example))
    if fmt == "csv":
        return ("\ufeff" + dataset.export("csv")).encode("utf-8")
    if fmt == "xlsx":
        return dataset.export("xlsx")
    raise ValueError(fmt)


# Files waiting between preview and commit ---------------------------------------------------------
#
# Under MEDIA_ROOT so every web worker sees them, encrypted because books files carry identity numbers.


def _pending_root() -> Path:
    root = settings.MEDIA_ROOT or Path(settings.BASE_DIR) / "media"
    return Path(root) / "imports"


def _fernet() -> Fernet:
    key = hmac.new(settings.ID_NUMBER_KEY.encode(), b"import-pending-file", hashlib.sha256).digest()
    return Fernet(base64.urlsafe_b64encode(key))


def _write_atomically(path: Path, content: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(content)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


class PendingMissing(LookupError):
    pass


def pending_save(batch_id: int, data: bytes) -> None:
    _write_atomically(_pending_root() / f"{batch_id}.upload", _fernet().encrypt(data))


def pending_load(batch_id: int) -> bytes:
    try:
        return _fernet().decrypt((_pending_root() / f"{batch_id}.upload").read_bytes())
    except (FileNotFoundError, InvalidToken):
        raise PendingMissing(batch_id) from None


def pending_discard(batch_id: int) -> None:
    (_pending_root() / f"{batch_id}.upload").unlink(missing_ok=True)


def summary_save(batch_id: int, summary: dict) -> None:
    """Counts and notes for the batch's page (the model has no field for them)."""
    content = json.dumps(summary, ensure_ascii=False, default=str).encode()
    _write_atomically(_pending_root() / f"{batch_id}.json", content)


def summary_load(batch_id: int) -> dict | None:
    try:
        return json.loads((_pending_root() / f"{batch_id}.json").read_bytes())
    except (FileNotFoundError, ValueError):
        return None
